import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { findDuplicates, registerIncoming } from '../../src/incoming/incoming.service.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

describe('forms: the duplicate warning compares normalised values', () => {
  let agency: Agency;
  let clerk: User;
  let pdf: Buffer;
  before(async () => {
    await testApp();
    agency = await buildAgency();
    clerk = await buildUser(agency, ['clerk']);
    pdf = await makePdf(1);
  });

  const register = (fields: Record<string, string>) =>
    registerIncoming(
      RegisterIncomingSchema.parse({
        documentType: 'CV',
        subject: 'Về việc kiểm tra trùng',
        ...fields,
      }),
      [{ buffer: pdf, originalName: 'vb.pdf' }],
      { user: clerk, ip: '127.0.0.1' },
    );

  it('finds "05", "qđ - ubnd" and a sender typed differently as the same document', async () => {
    const doc = await register({
      codeNumber: '5',
      codeNotation: 'QĐ-UBND',
      fromOrganName: 'Sở Tài chính tỉnh Thử',
    });
    const found = await findDuplicates(agency.id, {
      codeNumber: '05',
      codeNotation: 'qđ - ubnd',
      fromOrganName: 'sở tài chính   Tỉnh Thử.',
    });
    expect(found.map((d) => d.id)).to.deep.equal([doc.id]);
    // Another number or notation is another document.
    expect(
      await findDuplicates(agency.id, {
        codeNumber: '50',
        codeNotation: 'QĐ-UBND',
        fromOrganName: 'Sở Tài chính tỉnh Thử',
      }),
    ).to.have.length(0);
    expect(
      await findDuplicates(agency.id, {
        codeNumber: '5',
        codeNotation: 'QĐ-SNV',
        fromOrganName: 'Sở Tài chính tỉnh Thử',
      }),
    ).to.have.length(0);
  });

  it('matches the sender by agency code when both have one, by name otherwise', async () => {
    const doc = await register({
      codeNumber: '12',
      codeNotation: 'TB-STC',
      fromOrganName: 'Sở Tài chính',
      fromOrganId: '000.00.12.H41',
    });
    // The same code under another name: the same sender.
    const byCode = await findDuplicates(agency.id, {
      codeNumber: '012',
      codeNotation: 'tb-stc',
      fromOrganName: 'STC tỉnh Thử',
      fromOrganId: '000.00.12.h41',
    });
    expect(byCode.map((d) => d.id)).to.deep.equal([doc.id]);
    // Another code under the same name: another sender.
    expect(
      await findDuplicates(agency.id, {
        codeNumber: '12',
        codeNotation: 'TB-STC',
        fromOrganName: 'Sở Tài chính',
        fromOrganId: '000.00.13.H41',
      }),
    ).to.have.length(0);
    // No code on one side: the name decides.
    const byName = await findDuplicates(agency.id, {
      codeNumber: '12',
      codeNotation: 'TB-STC',
      fromOrganName: 'SỞ TÀI CHÍNH',
    });
    expect(byName.map((d) => d.id)).to.deep.equal([doc.id]);
  });

  it('warns on registration (409) when only the spelling differs', async () => {
    await register({ codeNumber: '7', codeNotation: 'CV-X', fromOrganName: 'Ban Dân tộc' });
    let refused: unknown;
    try {
      await register({ codeNumber: '07', codeNotation: 'cv-x', fromOrganName: 'ban  dân tộc' });
    } catch (err) {
      refused = err;
    }
    expect((refused as { code?: string })?.code).to.equal('DUPLICATE_SUSPECTED');
  });
});
