import { expect } from 'chai';
import request from 'supertest';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { SavedSearch } from '../../src/saved-searches/saved-search.model.js';
import { listOutgoing } from '../../src/outgoing/outgoing.list.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.model.js';
import {
  buildAgency,
  buildDepartment,
  buildUser,
  loginAs,
  type Session,
} from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { download, sheetTexts } from '../helpers/xlsx-export.js';

/** The ids of the documents a list page shows, in order. */
const idsOn = (html: string) =>
  [...html.matchAll(/data-testid="outgoing-row-(\d+)"/g)].map((m) => Number(m[1]));
/** The page's links as written (Handlebars escapes = and &). */
const linksOn = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const totalOn = (html: string) => /data-testid="total">([^<]*)</.exec(html)?.[1];

describe('outgoing lists: search, filters and pages', function () {
  this.timeout(120_000);
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let drafter: User;
  let session: Session;
  const ids: Record<string, number> = {};

  before(async () => {
    ({ app } = await testApp());
    const agency = await buildAgency();
    const d = await buildDepartment(agency);
    const other = await buildDepartment(agency);
    drafter = await buildUser(agency, ['specialist'], { departmentId: d.id });
    const stranger = await buildUser(agency, ['specialist'], { departmentId: other.id });
    const base = { agencyId: agency.id, departmentId: d.id, createdById: drafter.id };
    const docs = await OutgoingDocument.bulkCreate([
      // 26 ordinary drafts: the list has two pages of 25.
      ...Array.from({ length: 26 }, (_, i) => ({
        ...base,
        documentType: 'CV',
        subject: `V/v báo cáo định kỳ số ${i + 1}`,
        status: 'draft' as const,
      })),
      {
        ...base,
        documentType: 'KH',
        subject: 'Kế hoạch phòng chống dịch mùa đông',
        summary: 'Triển khai tại các xã',
        status: 'draft',
      },
      {
        ...base,
        documentType: 'QĐ',
        subject: 'Quyết định thành lập tổ công tác',
        status: 'issued',
        codeNumber: 5,
        codeNotation: 'QĐ-UBND',
        promulgationDate: '2026-03-10',
        recipientsNote: 'Sở Tài chính; Lưu: VT',
      },
      {
        ...base,
        documentType: 'CV',
        subject: 'V/v góp ý dự thảo 100% kinh phí_mới',
        status: 'issued',
        codeNumber: 12,
        codeNotation: 'UBND-VX',
        promulgationDate: '2026-05-20',
      },
      // Another department's draft with the same words: not the drafter's to see or find.
      {
        ...base,
        departmentId: other.id,
        createdById: stranger.id,
        documentType: 'KH',
        subject: 'Kế hoạch phòng chống dịch của phòng khác',
        status: 'draft',
      },
    ] as never[]);
    ids.plan = docs[26]!.id;
    ids.decision = docs[27]!.id;
    ids.letter = docs[28]!.id;
    ids.stranger = docs[29]!.id;
    session = await loginAs(app, drafter);
  });

  const list = (query: string) => session.agent.get(`/outgoing?${query}`);

  it('pages the list: 25 a page, the total, and a link to the next page that keeps the filters', async () => {
    const first = await list('tab=mine');
    expect(first.status).to.equal(200);
    expect(idsOn(first.text)).to.have.length(25);
    expect(totalOn(first.text)).to.equal('Tổng số: 29 văn bản');
    expect(linksOn(first.text)).to.contain('href="/outgoing?tab=mine&page=2"');
    const second = await list('tab=mine&page=2');
    expect(idsOn(second.text)).to.have.length(4);
    expect(new Set([...idsOn(first.text), ...idsOn(second.text)]).size).to.equal(29);
    // Filters travel with the pages and the tabs.
    const filtered = await list('tab=mine&q=bao+cao');
    expect(totalOn(filtered.text)).to.equal('Tổng số: 26 văn bản');
    expect(linksOn(filtered.text)).to.contain('href="/outgoing?tab=mine&q=bao+cao&page=2"');
    expect(linksOn(filtered.text)).to.contain('href="/outgoing?tab=all&q=bao+cao"');
  });

  it('finds by words typed with or without accents, in any case, and đ as d', async () => {
    for (const q of ['ke hoach phong chong', 'KẾ HOẠCH', 'Kế Hoạch', 'mua dong', 'cac xa']) {
      const page = await list(`tab=all&q=${encodeURIComponent(q)}`);
      expect(idsOn(page.text), q).to.deep.equal([ids.plan]);
    }
  });

  it('finds an issued document by its number and symbol as printed, with or without the zero', async () => {
    for (const q of ['5/QĐ-UBND', '05/QĐ-UBND', '05/qd-ubnd', 'QĐ-UBND', 'so tai chinh']) {
      const page = await list(`tab=all&q=${encodeURIComponent(q)}`);
      expect(idsOn(page.text), q).to.deep.equal([ids.decision]);
    }
    const letter = await list(`tab=issued&q=${encodeURIComponent('12/UBND-VX')}`);
    expect(idsOn(letter.text)).to.deep.equal([ids.letter]);
  });

  it('filters by type and by the day of issue', async () => {
    expect(idsOn((await list('tab=all&type=QĐ')).text)).to.deep.equal([ids.decision]);
    expect(idsOn((await list('tab=all&from=01/05/2026')).text)).to.deep.equal([ids.letter]);
    expect(idsOn((await list('tab=all&from=2026-03-01&to=31/03/2026')).text)).to.deep.equal([
      ids.decision,
    ]);
    const none = await list('tab=all&type=CV&to=01/01/2026');
    expect(idsOn(none.text)).to.deep.equal([]);
    expect(none.text).to.contain('Không có văn bản nào khớp điều kiện tìm kiếm.');
  });

  it('takes what was typed literally and refuses a date that is not one, in Vietnamese', async () => {
    // LIKE's wildcards are letters like any other: "100%" finds the one that says it.
    expect(idsOn((await list(`tab=all&q=${encodeURIComponent('100%')}`)).text)).to.deep.equal([
      ids.letter,
    ]);
    expect(idsOn((await list(`tab=all&q=${encodeURIComponent('%')}`)).text)).to.deep.equal([
      ids.letter,
    ]);
    expect(idsOn((await list(`tab=all&q=${encodeURIComponent('_')}`)).text)).to.deep.equal([
      ids.letter,
    ]);
    const long = await list(`tab=all&q=${'a'.repeat(5000)}`);
    expect(long.status).to.equal(200);
    expect(idsOn(long.text)).to.deep.equal([]);
    const unknownType = await list('tab=all&type=DROP%20TABLE');
    expect(totalOn(unknownType.text)).to.equal('Tổng số: 29 văn bản');
    const badDate = await list('tab=all&from=32/13/2026');
    expect(badDate.status).to.equal(422);
    expect(badDate.text).to.match(/ngày/i).and.not.contain('ZodError');
    const arrays = await list('tab=all&q=a&q=b&type=QĐ&type=CV');
    expect(arrays.status).to.equal(200);
  });

  it('never finds what the person may not see', async () => {
    const page = await list(`tab=all&q=${encodeURIComponent('phòng khác')}`);
    expect(idsOn(page.text)).to.deep.equal([]);
    const found = await listOutgoing(drafter, 'all', 100, { q: 'ke hoach' });
    expect(found.map((a) => a.document.id)).to.deep.equal([ids.plan]);
  });

  it('exports what the filtered list shows, and the API takes the same filters', async () => {
    const xlsx = await download(session.agent, '/outgoing/export.xlsx?tab=all&q=bao+cao&type=CV');
    expect(xlsx.status).to.equal(200);
    expect(xlsx.headers['x-export-rows']).to.equal('26');
    const texts = await sheetTexts(xlsx.body as Buffer);
    expect(texts.join(' ')).to.contain('Tìm kiếm: bao cao');
    const token = (await createAccessToken(drafter, 'test', { userId: drafter.id, ip: null }))
      .token;
    const api = await request(app)
      .get(`/api/v1/outgoing?tab=all&q=${encodeURIComponent('05/QĐ-UBND')}`)
      .set('Authorization', `Bearer ${token}`);
    expect(api.status).to.equal(200);
    expect(api.body.items.map((i: { id: number }) => i.id)).to.deep.equal([ids.decision]);
    const bad = await request(app)
      .get('/api/v1/outgoing?from=2026-02-30')
      .set('Authorization', `Bearer ${token}`);
    expect(bad.status).to.equal(422);
  });

  it('saves a filtered outgoing list as a saved search that opens it again, read afresh', async () => {
    const page = await list(`tab=all&q=${encodeURIComponent('kế hoạch')}&type=KH`);
    const m = /<input type="hidden" name="query" value="([^"]*)">/.exec(page.text);
    const query = linksOn(m![1]!);
    expect(query).to.equal(
      `tab=all&q=${encodeURIComponent('kế hoạch').replace(/%20/g, '+')}&type=KH`,
    );
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const saved = await session.agent
      .post('/outgoing/saved-searches')
      .type('form')
      .send({ _csrf: csrf, name: 'Kế hoạch của tôi', query });
    expect(saved.status).to.equal(303);
    const row = await SavedSearch.findOne({
      where: { userId: drafter.id, name: 'Kế hoạch của tôi' },
    });
    const opened = await session.agent.get(`/saved-searches/${row!.id}`);
    expect(linksOn(opened.headers.location as string)).to.equal(`/outgoing?${query}`);
    expect(idsOn((await session.agent.get(opened.headers.location as string)).text)).to.deep.equal([
      ids.plan,
    ]);
    const listed = await session.agent.get('/saved-searches');
    expect(listed.text).to.contain('Loại văn bản: Kế hoạch');
  });

  it('keeps the search text with the document: an edit is found at once, the old words no more', async () => {
    const doc = (await OutgoingDocument.findByPk(ids.plan))!;
    await doc.update({ subject: 'Kế hoạch tiêm chủng mở rộng' });
    expect(idsOn((await list('tab=all&q=tiem+chung')).text)).to.deep.equal([ids.plan]);
    expect(idsOn((await list('tab=all&q=mua+dong')).text)).to.deep.equal([]);
  });
});
