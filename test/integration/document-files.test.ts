import { expect } from 'chai';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import {
  attachFiles,
  filesWithStored,
  latestMain,
  mainFile,
} from '../../src/documents/document-files.js';
import { storeProducedPdf } from '../../src/files/file-storage.service.js';
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

  it('stores the same bytes once: a second store (or several at once) gives the first row', async () => {
    const [a, b] = [await makePdf(1), await makePdf(2)];
    const first = await storeProducedPdf(a, 'a.pdf', 1);
    const again = await Promise.all([1, 2, 3].map(() => storeProducedPdf(a, 'a-lan-2.pdf', 1)));
    const other = await storeProducedPdf(b, 'b.pdf', 2);
    expect(again.map((s) => s.storedFile.id)).to.deep.equal(
      [1, 2, 3].map(() => first.storedFile.id),
    );
    expect(other.storedFile.id).to.not.equal(first.storedFile.id);
    const row = await StoredFile.findByPk(first.storedFile.id);
    expect(row!.sha256).to.equal(first.storedFile.sha256);
    expect([row!.size, row!.pageCount]).to.deep.equal([a.length, 1]);
    expect(await StoredFile.count({ where: { sha256: first.storedFile.sha256 } })).to.equal(1);
    expect(again[0]!.originalName).to.equal('a-lan-2.pdf');
  });

  it("reads a document's files of some roles with their stored records in one query", async () => {
    const stored = await storeProducedPdf(await makePdf(3), 'c.pdf', 3);
    const ref = { kind: 'outgoing' as const, id: 434343 };
    const [v1, att, v2] = await withTransaction(db(), undefined, (transaction) =>
      attachFiles(
        ref,
        [
          { fileId: stored.storedFile.id, originalName: 'v1.pdf', role: 'main' },
          { fileId: stored.storedFile.id, originalName: 'pl.pdf', role: 'attachment' },
          { fileId: stored.storedFile.id, originalName: 'v2.pdf', role: 'main' },
        ],
        transaction,
      ),
    );
    const files = await filesWithStored(ref, ['main', 'attachment']);
    expect(files.map((f) => f.id)).to.deep.equal([v1!.id, att!.id, v2!.id]);
    expect(files.map((f) => [f.file?.id, f.file?.pageCount])).to.deep.equal(
      [1, 2, 3].map(() => [stored.storedFile.id, 3]),
    );
    expect(latestMain(files)!.id).to.equal(v2!.id);
    expect((await filesWithStored(ref, ['main'])).map((f) => f.version)).to.deep.equal([1, 2]);
    expect(await filesWithStored(ref, ['signed'])).to.deep.equal([]);
  });
});
