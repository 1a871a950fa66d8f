import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { prefixTerm } from '../../src/incoming/incoming.search-text.js';
import type { User } from '../../src/users/user.model.js';

const register = (clerk: User, fields: Record<string, string>) => registerDocument(clerk, fields);

describe('incoming search: the migration adding the folded column and document_texts', () => {
  it('goes down and up again, filling the folded column of documents already registered', async () => {
    await testApp();
    const clerk = await buildUser(await buildAgency(), ['clerk']);
    const doc = await register(clerk, {
      fromOrganName: 'Ủy ban nhân dân xã Đông Hòa',
      codeNumber: '12',
      codeNotation: 'QĐ-UBND',
      documentType: 'QĐ',
      subject: 'Quyết định giao đất',
      signerName: 'Lê Văn Đạt',
    });
    // A second document of the same register: the column must go without touching its indexes.
    await register(clerk, {
      fromOrganName: 'Sở Tư pháp',
      codeNumber: '13',
      codeNotation: 'CV-STP',
      documentType: 'CV',
      subject: 'Về việc rà soát văn bản',
    });
    const m = createMigrator(db());
    await m.down({ to: '20261210090000-add-incoming-search' });
    const cols = Object.keys(await db().getQueryInterface().describeTable('incoming_documents'));
    expect(cols).to.not.include('searchText');
    expect(await db().getQueryInterface().tableExists('document_texts')).to.equal(false);
    await m.up();
    const [row] = await db().query<{ searchText: string }>(
      'SELECT searchText FROM incoming_documents WHERE id = ?',
      { replacements: [doc.id], type: QueryTypes.SELECT },
    );
    expect(row.searchText).to.include('12/qd-ubnd');
    expect(row.searchText).to.include('uy ban nhan dan xa dong hoa');
    expect(row.searchText).to.include('quyet dinh giao dat');
    expect(row.searchText).to.include('le van dat');
    expect(await db().getQueryInterface().tableExists('document_texts')).to.equal(true);
  });

  it('adds the prefix terms of the terms already held, the same as the model writes them', async () => {
    await testApp();
    const clerk = await buildUser(await buildAgency(), ['clerk']);
    const doc = await register(clerk, {
      fromOrganName: 'Sở Tài chính',
      codeNumber: '31',
      codeNotation: 'TB-STC',
      documentType: 'TB',
      subject: 'Thông báo thẩm định dự toán ngân sách 😀',
    });
    const termsOf = async () =>
      (
        await db().query<{ term: string }>(
          'SELECT term FROM incoming_search_terms WHERE documentId = ? ORDER BY term',
          { replacements: [doc.id], type: QueryTypes.SELECT },
        )
      ).map((r) => r.term);
    const written = await termsOf();
    expect(written).to.include.members([prefixTerm('so'), prefixTerm('31'), prefixTerm('😀')]);
    const m = createMigrator(db());
    await m.down({ to: '20261224090000-add-search-prefix-terms' });
    expect((await termsOf()).filter((t) => t.startsWith('\u0001'))).to.deep.equal([]);
    await m.up();
    expect(await termsOf()).to.deep.equal(written);
  });
});
