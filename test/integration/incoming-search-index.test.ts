import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makeDraftPdf } from '../unit/drafting/samples.js';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { withTransaction } from '../../src/db/transaction.js';
import { indexIncomingTexts } from '../../src/incoming/incoming.search-index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { updateIncoming } from '../../src/incoming/incoming.service.js';
import type { User } from '../../src/users/user.model.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

const register = (clerk: User, fields: Record<string, string>, pdf?: Buffer) =>
  registerDocument(clerk, { fromOrganName: 'Sở Nội vụ', ...fields }, pdf);

const search = async (user: User, q: string) =>
  (await listIncoming(user, ListQuerySchema.parse({ tab: 'all', q }))).rows.map(
    (r) => r.document.id,
  );

/** The index's terms of one document of one agency (ids alone are reused by migration tests). */
async function termsOf(doc: IncomingDocument, source: 'meta' | 'text'): Promise<string[]> {
  const rows = await db().query<{ term: string }>(
    `SELECT term FROM incoming_search_terms
      WHERE agencyId = ? AND documentId = ? AND source = ? ORDER BY term`,
    { replacements: [doc.agencyId, doc.id, source], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.term);
}

describe('incoming search index (incoming_search_terms) stays in step', function () {
  this.timeout(120_000);
  let clerk: User;

  before(async () => {
    await testApp();
    clerk = await buildUser(await buildAgency(), ['clerk']);
  });

  it('indexes a registered document: words, the printed number and its pieces, the arrival number', async () => {
    const doc = await register(clerk, {
      codeNumber: '1234',
      codeNotation: 'QĐ-UBND',
      subject: 'Về việc đi công tác',
      signerName: 'Trần Thị Bình',
    });
    const terms = await termsOf(doc, 'meta');
    for (const term of ['1234/qd-ubnd', 'qd-ubnd', 'ubnd', 've', 'di', 'cong', 'binh']) {
      expect(terms, term).to.include(term);
    }
    expect(terms).to.include(String(doc.arrivalNumber));
    // Short syllables, pieces and prefixes are found (FULLTEXT would drop "về" and "đi").
    for (const q of ['về', 'đi công tác', 'UBND', 'QĐ-UBND', '1234/QĐ', 'binh tran', 'cong t']) {
      expect(await search(clerk, q), q).to.include(doc.id);
    }
    expect(await search(clerk, String(doc.arrivalNumber))).to.include(doc.id);
    // Every word must be found.
    expect(await search(clerk, 'đi công tác nước ngoài')).not.to.include(doc.id);
  });

  it('finds a document when one typed word begins another (one term serves both)', async () => {
    // No other term of it begins with "so" (the sender is not "Sở …").
    const doc = await register(clerk, {
      fromOrganName: 'Văn phòng Tỉnh ủy',
      codeNumber: '61',
      subject: 'Soạn thảo quy chế',
    });
    expect((await termsOf(doc, 'meta')).filter((t) => t.startsWith('so'))).to.deep.equal(['soan']);
    for (const q of ['so soạn', 'soạn so', 'quy quy chế thảo th']) {
      expect(await search(clerk, q), q).to.deep.equal([doc.id]);
    }
    expect(await search(clerk, 'soạn sổ')).to.deep.equal([doc.id]);
    // A tab read from its candidates (the clerk's registered documents) checks each word apart.
    const toHandle = async (q: string) =>
      (await listIncoming(clerk, ListQuerySchema.parse({ tab: 'toHandle', q }))).rows.map(
        (r) => r.document.id,
      );
    expect(await toHandle('so soạn thảo quy')).to.deep.equal([doc.id]);
    expect(await toHandle('soạn sơ đồ')).to.deep.equal([]);
    expect(await search(clerk, 'soạn sơ đồ')).to.deep.equal([]);
  });

  it('rewrites the terms on edit, in the edit transaction (a rolled back edit leaves them)', async () => {
    const doc = await register(clerk, {
      codeNumber: '55',
      subject: 'Kế hoạch tuyển dụng viên chức',
    });
    await updateIncoming(
      doc.id,
      {
        fromOrganName: 'Sở Nội vụ',
        codeNumber: '55',
        documentType: 'CV',
        subject: 'Kế hoạch thi nâng ngạch công chức',
        urgency: 0,
        confidentiality: 0,
      } as Parameters<typeof updateIncoming>[1],
      actorOf(clerk),
    );
    const terms = await termsOf(doc, 'meta');
    expect(terms).to.include('ngach');
    expect(terms).not.to.include('tuyen');
    expect(await search(clerk, 'nâng ngạch')).to.deep.equal([doc.id]);
    expect(await search(clerk, 'tuyển dụng viên chức')).to.deep.equal([]);

    await withTransaction(db(), {}, async (transaction) => {
      const locked = await IncomingDocument.findByPk(doc.id, { transaction });
      locked!.subject = 'Báo cáo tổng kết';
      await locked!.save({ transaction });
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await termsOf(doc, 'meta')).to.deep.equal(terms);
    expect(await search(clerk, 'bao cao tong ket')).to.deep.equal([]);
  });

  it("adds the file's text terms when the text is read, and keeps them through an edit", async () => {
    const pdf = await makeDraftPdf(['Triển khai phần mềm quản lý văn bản điện tử đợt hai']);
    const doc = await register(clerk, { codeNumber: '77', subject: 'Công văn kèm tài liệu' }, pdf);
    expect(await termsOf(doc, 'text')).to.deep.equal([]);
    expect(await search(clerk, 'phan mem quan ly')).to.deep.equal([]);
    expect(await indexIncomingTexts(doc.id)).to.equal(1);
    expect(await termsOf(doc, 'text')).to.include.members(['phan', 'mem', 'dien', 'tu']);
    expect(await search(clerk, 'phần mềm quản lý điện tử')).to.deep.equal([doc.id]);
    // A word of the fields and one of the text together.
    expect(await search(clerk, 'kem phan mem')).to.deep.equal([doc.id]);
    await updateIncoming(
      doc.id,
      {
        fromOrganName: 'Sở Nội vụ',
        codeNumber: '77',
        documentType: 'CV',
        subject: 'Công văn đã sửa',
        urgency: 0,
        confidentiality: 0,
      } as Parameters<typeof updateIncoming>[1],
      actorOf(clerk),
    );
    expect(await search(clerk, 'phan mem dot hai')).to.deep.equal([doc.id]);
  });

  it('the migration back-fills the terms of documents and texts already stored', async () => {
    const pdf = await makeDraftPdf(['Chuyển đổi số cấp xã năm hai nghìn']);
    const doc = await register(
      clerk,
      { codeNumber: '808', codeNotation: 'TB-VP', subject: 'Thông báo lịch tiếp dân' },
      pdf,
    );
    await indexIncomingTexts(doc.id);
    const meta = await termsOf(doc, 'meta');
    const text = await termsOf(doc, 'text');
    const m = createMigrator(db());
    await m.down({ to: '20261218090000-create-incoming-search-terms' });
    expect(await db().getQueryInterface().tableExists('incoming_search_terms')).to.equal(false);
    await m.up();
    expect(await termsOf(doc, 'meta')).to.deep.equal(meta);
    expect(await termsOf(doc, 'text')).to.deep.equal(text);
    expect(meta).to.include.members(['808/tb-vp', 'tb-vp', 'tiep', 'dan']);
    expect(text).to.include.members(['chuyen', 'doi', 'so', 'xa']);
    expect(await search(clerk, 'lịch tiếp dân chuyển đổi số')).to.deep.equal([doc.id]);
  });
});
