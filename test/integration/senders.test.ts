import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { makePdf } from '../fixtures/pdf.js';
import { incomingFields, postForm, signIn, type Actor } from './incoming-helpers.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { Sender } from '../../src/senders/sender.model.js';
import type { Agency } from '../../src/agencies/agency.model.js';

describe('the sender directory (danh bạ nơi gửi)', () => {
  let ctx: TestContext;
  let agency: Agency;
  let clerk: Actor;
  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    clerk = await signIn(ctx.app, await buildUser(agency, ['clerk']));
  });

  const senders = () => Sender.findAll({ where: { agencyId: agency.id }, order: [['id', 'ASC']] });

  it('learns the sender of a registration, once however it is typed, with its code', async () => {
    const pdf = await makePdf(1);
    const register = async (fields: Record<string, string>) => {
      let req = clerk.session.agent.post('/incoming').field('_csrf', clerk.token);
      for (const [k, v] of Object.entries(incomingFields(fields))) req = req.field(k, v);
      const res = await req.attach('files', pdf, {
        filename: 'cv.pdf',
        contentType: 'application/pdf',
      });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
    };
    await register({ fromOrganName: 'Sở Giáo dục và Đào tạo tỉnh Thử' });
    await register({
      fromOrganName: 'sở giáo dục và đào tạo  tỉnh thử',
      fromOrganId: '000.00.21.h41',
    });
    const rows = await senders();
    expect(rows.map((s) => [s.name, s.code])).to.deep.equal([
      ['Sở Giáo dục và Đào tạo tỉnh Thử', '000.00.21.H41'],
    ]);
  });

  it('learns the sender of a received edXML package with its code', async () => {
    const session = await loginAs(ctx.app, clerk.user);
    const res = await session.agent
      .post('/incoming/edxml')
      .field('_csrf', await session.csrf())
      .attach(
        'package',
        buildEdxml({
          organName: 'Sở Xây dựng tỉnh Thử',
          organId: '000.00.31.H41',
          to: [agency.code],
        }),
        {
          filename: 'goi.edxml',
          contentType: 'application/xml',
        },
      );
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    const row = await Sender.findOne({ where: { agencyId: agency.id, code: '000.00.31.H41' } });
    expect(row?.name).to.equal('Sở Xây dựng tỉnh Thử');
  });

  it('suggests senders on the registration form, accents and case aside, own agency only', async () => {
    const other = await buildAgency();
    await Sender.create({
      agencyId: other.id,
      name: 'Sở Giáo dục khác',
      nameKey: 'so giao duc khac',
      code: null,
    });
    const res = await clerk.session.agent.get('/senders/lookup?q=GIAO DUC').accept('json');
    expect(res.status).to.equal(200);
    expect(res.body.senders.map((s: { name: string }) => s.name)).to.deep.equal([
      'Sở Giáo dục và Đào tạo tỉnh Thử',
    ]);
    const form = await clerk.session.agent.get('/incoming/new');
    expect(form.text).to.match(
      /id="fromOrganName"[^>]*list="sender-options"[^>]*data-sender-lookup="\/senders\/lookup"/,
    );
    expect(form.text).to.include('<datalist id="sender-options"');
  });

  it('lets the clerk add, correct and remove senders, audited, with errors in Vietnamese', async () => {
    const bad = await postForm(clerk, '/senders', { name: 'Sở Y tế tỉnh Thử', code: 'H41' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('Mã định danh gồm 13 ký tự dạng 000.00.00.H41.');
    expect(bad.text).to.match(/id="new-sender-code"[^>]*aria-invalid="true"/);

    const added = await postForm(clerk, '/senders', {
      name: 'Sở Y tế tỉnh Thử',
      code: '000.00.41.h41',
    });
    expect(added.status).to.equal(303);
    const row = (await Sender.findOne({
      where: { agencyId: agency.id, name: 'Sở Y tế tỉnh Thử' },
    }))!;
    expect(row.code).to.equal('000.00.41.H41');

    const twice = await postForm(clerk, '/senders', { name: 'SỞ Y TẾ TỈNH THỬ' });
    expect(twice.status).to.equal(422);
    expect(twice.text).to.include('Nơi gửi này đã có trong danh bạ.');

    expect(
      (await postForm(clerk, `/senders/${row.id}`, { name: 'Sở Y tế', code: '' })).status,
    ).to.equal(303);
    await row.reload();
    expect([row.name, row.code]).to.deep.equal(['Sở Y tế', null]);
    expect((await postForm(clerk, `/senders/${row.id}/delete`, {})).status).to.equal(303);
    expect(await Sender.findByPk(row.id)).to.equal(null);

    // This clerk's rows: another suite may have emptied the table, and its ids come round again
    // (the rows of senders learned there stay in the log).
    const rows = await AuditLog.findAll({
      where: { entityType: 'sender', entityId: String(row.id), userId: clerk.user.id },
    });
    const actions = rows.map((a) => a.action);
    expect(actions).to.have.members(['sender.create', 'sender.update', 'sender.delete']);
    const page = await clerk.session.agent.get('/senders');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Sở Giáo dục và Đào tạo tỉnh Thử');
    // Each row's name and code in their own columns, tied to the row's form, under their headings.
    const listed = /<tr data-testid="sender-(\d+)">([\s\S]*?)<\/tr>/.exec(page.text)!;
    const cells = [...listed[2].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    expect(cells).to.have.length(3);
    expect(cells[0]).to.match(new RegExp(`form="sender-${listed[1]}-form"[^>]*name="name"`));
    expect(cells[1]).to.match(new RegExp(`form="sender-${listed[1]}-form"[^>]*name="code"`));
    expect(cells[2]).to.include(`id="sender-${listed[1]}-form"`);
  });

  it('is not open to people who are not clerks', async () => {
    const specialist = await signIn(ctx.app, await buildUser(agency, ['specialist']));
    expect((await specialist.session.agent.get('/senders')).status).to.equal(403);
    expect((await postForm(specialist, '/senders', { name: 'Sở Thử' })).status).to.equal(403);
  });
});
