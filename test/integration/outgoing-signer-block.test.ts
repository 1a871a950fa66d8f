import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { readStoredFile } from '../../src/files/file-storage.service.js';
import { AppError } from '../../src/http/app-error.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { signOutgoing } from '../../src/outgoing/outgoing.signing.js';
import { createDelegation, DelegationSchema } from '../../src/users/delegations.service.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

/** The signed PDF's text, one line per line of the stamp. */
function pdftotext(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'signer-block-')), 'signed.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('the signer block a signature draws where the draft prints none (Decree 30 Appendix I)', function () {
  this.timeout(120_000);
  let specialist: User;
  let chairman: User;
  let viceChairman: User;
  let chiefOfOffice: User;

  before(async function () {
    if (spawnSync('pdftotext', ['-v']).error) {
      if (process.env.CI) throw new Error('pdftotext (poppler-utils) is required in CI');
      this.skip();
    }
    await testApp();
    const agency = await buildAgency();
    specialist = await buildUser(agency, ['specialist']);
    chairman = await buildUser(agency, ['leader'], {
      fullName: 'Trần Văn Hùng',
      positionTitle: 'Chủ tịch',
    });
    viceChairman = await buildUser(agency, ['leader'], {
      fullName: 'Lê Thị Phó',
      positionTitle: 'Phó Chủ tịch',
    });
    chiefOfOffice = await buildUser(agency, ['dept_head'], {
      fullName: 'Phạm Văn Chánh',
      positionTitle: 'Chánh Văn phòng',
    });
    for (const u of [chairman, viceChairman, chiefOfOffice]) await enrolForTest(u);
  });

  async function signedText(
    fields: Record<string, string>,
    signer: User,
    signedBy: User = signer,
  ): Promise<{ text: string; id: number }> {
    const doc = await createDraft(
      DraftFieldsSchema.parse({
        documentType: 'QĐ',
        subject: 'Về việc thử khối chữ ký',
        signerId: String(signer.id),
        recipients: [{ name: 'Sở Nội vụ', code: '000.00.01.H99' }],
        ...fields,
      }),
      { main: { buffer: await makePdf(1, 'Du thao khong in khoi chu ky'), originalName: 'a.pdf' } },
      actorOf(specialist),
    );
    await submitDraft(doc.id, {}, actorOf(specialist));
    await signOutgoing(doc.id, { pin: TEST_PIN }, actorOf(signedBy));
    const signed = await DocumentFile.findOne({
      where: { documentKind: 'outgoing', documentId: doc.id, role: 'signed' },
      include: [{ model: StoredFile, as: 'file' }],
    });
    return { text: pdftotext(await readStoredFile(signed!.file!)), id: doc.id };
  }

  /** The lines appear one after the other, in this order. */
  const expectLines = (text: string, lines: string[]) => {
    const all = text.split('\n').map((l) => l.trim());
    const at = all.indexOf(lines[0]!);
    expect(all.slice(at, at + lines.length), all.join('\n')).to.deep.equal(lines);
  };

  it('TM.: the collective, then the signer’s title and name', async () => {
    const { text } = await signedText(
      { signingForm: 'TM', authorityName: 'Ủy ban nhân dân', signerTitle: 'Chủ tịch' },
      chairman,
    );
    expectLines(text, ['TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH', 'Trần Văn Hùng']);
  });

  it('KT.: the head signed for, then the deputy’s own title and name', async () => {
    const { text } = await signedText(
      { signingForm: 'KT', principalTitle: 'Chủ tịch', signerTitle: 'Phó Chủ tịch' },
      viceChairman,
    );
    expectLines(text, ['KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Lê Thị Phó']);
  });

  it('Q.: the head’s title alone above the name', async () => {
    const { text } = await signedText(
      { signingForm: 'Q', principalTitle: 'Chủ tịch', signerTitle: 'Phó Chủ tịch' },
      viceChairman,
    );
    expectLines(text, ['Q. CHỦ TỊCH', 'Lê Thị Phó']);
    expect(text).not.to.contain('PHÓ CHỦ TỊCH');
  });

  for (const form of ['TL', 'TUQ'] as const)
    it(`${form}.: the head signed for, then the signer’s own title and name`, async () => {
      const { text } = await signedText(
        { signingForm: form, principalTitle: 'Chủ tịch', signerTitle: 'Chánh Văn phòng' },
        chiefOfOffice,
      );
      expectLines(text, [`${form}. CHỦ TỊCH`, 'CHÁNH VĂN PHÒNG', 'Phạm Văn Chánh']);
    });

  it('a delegate signs in their own name and title under the delegation’s form; the record names both', async () => {
    await createDelegation(
      DelegationSchema.parse({
        principalId: chairman.id,
        delegateId: viceChairman.id,
        form: 'KT',
        actions: ['outgoing.sign'],
        startsOn: todayInVietnam(),
        endsOn: todayInVietnam(),
      }),
      actorOf(chairman),
    );
    const { text, id } = await signedText(
      { signingForm: 'TM', authorityName: 'Ủy ban nhân dân', signerTitle: 'Chủ tịch' },
      chairman,
      viceChairman,
    );
    expectLines(text, ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Lê Thị Phó']);
    expect(text).not.to.contain('Trần Văn Hùng');
    const event = await DocumentEvent.findOne({
      where: { documentKind: 'outgoing', documentId: id, action: 'sign' },
    });
    expect(event!.actorId).to.equal(viceChairman.id);
    expect(JSON.parse(String(event!.data))).to.include({ onBehalfOf: chairman.id });
  });

  it('refuses a KT., Q., TL. or TUQ. draft that does not name the head signed for', async () => {
    for (const signingForm of ['KT', 'Q', 'TL', 'TUQ']) {
      const refused = await createDraft(
        DraftFieldsSchema.parse({
          documentType: 'QĐ',
          subject: 'Về việc thử khối chữ ký',
          signingForm,
          signerTitle: 'Phó Chủ tịch',
        }),
        { main: { buffer: await makePdf(), originalName: 'a.pdf' } },
        actorOf(specialist),
      ).catch((e: unknown) => e as AppError);
      expect(refused).to.be.instanceOf(AppError);
      expect((refused as AppError).fields).to.deep.equal({
        principalTitle: 'errors:OUTGOING_PRINCIPAL_TITLE_REQUIRED',
      });
    }
  });
});
