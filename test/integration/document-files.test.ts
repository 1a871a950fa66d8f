import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { attachFiles, mainFile } from '../../src/documents/document-files.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp } from '../helpers/test-app.js';

describe('documents: files with a role and versions of the main file', () => {
  before(async () => {
    await testApp();
  });

  it('registers the first file of an incoming document as its main file, the others as attachments', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const [one, two] = [await makePdf(1), await makePdf(2)];
    const doc = await registerIncoming(
      RegisterIncomingSchema.parse({
        fromOrganName: 'UBND tỉnh',
        documentType: 'QĐ',
        subject: 'Về việc thử',
      }),
      [
        { buffer: one, originalName: 'quyet-dinh.pdf' },
        { buffer: two, originalName: 'phu-luc.pdf' },
      ],
      { user: clerk, ip: '127.0.0.1' },
    );
    const files = await DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId: doc.id },
      order: [['id', 'ASC']],
    });
    expect(files.map((f) => [f.originalName, f.role, f.version])).to.deep.equal([
      ['quyet-dinh.pdf', 'main', 1],
      ['phu-luc.pdf', 'attachment', 1],
    ]);
    expect((await mainFile({ kind: 'incoming', id: doc.id }))!.originalName).to.equal(
      'quyet-dinh.pdf',
    );
  });

  it('numbers each new main file as the next version and keeps the earlier ones', async () => {
    const stored = await StoredFile.create({
      sha256: 'ab'.repeat(32),
      size: 10,
      mimeType: 'application/pdf',
      pageCount: 1,
    });
    const ref = { kind: 'outgoing' as const, id: 424242 };
    const attach = (name: string, role: 'main' | 'attachment' | 'signed', signedFromId?: number) =>
      withTransaction(db(), undefined, (transaction) =>
        attachFiles(
          ref,
          [{ fileId: stored.id, originalName: name, role, signedFromId }],
          transaction,
        ),
      );
    const [v1] = await attach('du-thao-1.pdf', 'main');
    await attach('phu-luc.pdf', 'attachment');
    const [v2] = await attach('du-thao-2.pdf', 'main');
    const [signed] = await attach('du-thao-2-da-ky.pdf', 'signed', v2!.id);
    expect([v1!.version, v2!.version, signed!.version]).to.deep.equal([1, 2, 1]);
    expect(signed!.signedFromId).to.equal(v2!.id);
    expect((await mainFile(ref))!.originalName).to.equal('du-thao-2.pdf');
    expect((await mainFile(ref, 1))!.originalName).to.equal('du-thao-1.pdf');
  });
});
