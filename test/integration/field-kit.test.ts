import { todayInVietnam } from '../../src/calendar/working-days.js';
import { decodeEntities } from '../helpers/page-language.js';
import { expect } from 'chai';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { buildOffice, incomingFields, postForm, signIn, type Actor } from './incoming-helpers.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { Delegation } from '../../src/users/delegation.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.model.js';

// A date in the right shape is refused for what is wrong with it: no such day, or the year.
const NO_SUCH_DAY =
  'Không có ngày này trong lịch (ví dụ 31/02 hay tháng 13). Vui lòng kiểm tra lại ngày và tháng.';
const YEAR_RANGE = 'Năm phải từ 1900 đến 2100.';
const refusedAs = (value: string) => {
  const year = Number(/^(\d{4})-|\/(\d{4})$/.exec(value)?.slice(1).find(Boolean));
  return year < 1900 || year > 2100 ? YEAR_RANGE : NO_SUCH_DAY;
};
const IMPOSSIBLE = ['2026-13-01', '2026-02-31', '2026-00-10', '0000-01-01', '31/02/2026'];

const tokenFor = async (user: User) =>
  (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token;

/**
 * The shared form kit (src/http/form-fields.ts) as every route meets it: dates that name no day,
 * numbers of the wrong type, and text that is blank to the eye.
 */
describe('field kit: hostile values refused the same way on every route', () => {
  let ctx: TestContext;
  let clerk: Actor;
  let leader: Actor;
  let clerkToken: string;
  let office: Awaited<ReturnType<typeof buildOffice>>;
  let pdf: Buffer;
  before(async () => {
    ctx = await testApp();
    office = await buildOffice();
    clerk = await signIn(ctx.app, office.clerk);
    leader = await signIn(ctx.app, office.leader);
    clerkToken = await tokenFor(office.clerk);
    pdf = await makePdf(1, 'Cong van');
  });

  const register = (overrides: Record<string, string>) => {
    let req = clerk.session.agent.post('/incoming').field('_csrf', clerk.token);
    for (const [k, v] of Object.entries(incomingFields(overrides))) req = req.field(k, v);
    return req.attach('files', pdf, { filename: 'cv.pdf', contentType: 'application/pdf' });
  };
  const registerByApi = (overrides: Record<string, string>) => {
    let req = request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${clerkToken}`);
    for (const [k, v] of Object.entries(incomingFields(overrides))) req = req.field(k, v);
    return req.attach('file', pdf, 'cv.pdf');
  };

  describe('dates that name no day (years 1900–2100)', () => {
    it('refuses them on the registration form with the field message, keeping what was typed', async () => {
      const before = await IncomingDocument.count();
      for (const field of ['dueDate', 'promulgationDate', 'arrivalDate']) {
        for (const value of IMPOSSIBLE) {
          const res = await register({ [field]: value });
          expect(res.status, `${field}=${value}`).to.equal(422);
          expect(res.text).to.include(
            `<p class="field-error" id="${field}-error">${refusedAs(value)}</p>`,
          );
          expect(res.text).to.match(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
        }
      }
      expect(await IncomingDocument.count()).to.equal(before);
      // The edges of the range are days like any other.
      const ok = await register({ promulgationDate: '01/01/1900', dueDate: '31/12/2100' });
      expect(ok.status, ok.text.slice(0, 300)).to.equal(303);
    });

    it('refuses a deadline before the date of issue; one passed before arrival is registered and said', async () => {
      const before = await IncomingDocument.count();
      const slip = await register({ promulgationDate: '05/03/2026', dueDate: '01/03/2026' });
      expect(slip.status).to.equal(422);
      expect(slip.text).to.include(
        '<p class="field-error" id="dueDate-error">Hạn xử lý không được trước ngày ban hành của văn bản.</p>',
      );
      const api = await registerByApi({ promulgationDate: '2026-03-05', dueDate: '2026-03-01' });
      expect(api.status).to.equal(422);
      expect(api.body.error.fields).to.deep.equal({
        dueDate: 'Hạn xử lý không được trước ngày ban hành của văn bản.',
      });
      expect(await IncomingDocument.count()).to.equal(before);
      // Arrived (today) after its own deadline (yesterday): registered as it is, and said.
      const day = (iso: string) => iso.split('-').reverse().join('/');
      const today = todayInVietnam();
      const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000)
        .toISOString()
        .slice(0, 10);
      const late = await register({ dueDate: day(yesterday) });
      expect(late.status, late.text.slice(0, 300)).to.equal(303);
      const page = await clerk.session.agent.get(late.headers.location!);
      expect(decodeEntities(page.text)).to.include(
        `Lưu ý: hạn xử lý của văn bản (${day(yesterday)}) đã qua trước ngày đến (${day(today)})`,
      );
      const onTime = await register({ dueDate: day(today) });
      const calm = await clerk.session.agent.get(onTime.headers.location!);
      expect(calm.text).not.to.include('đã qua trước ngày đến');
    });

    it('takes a subject or sender of zero-width spaces or control characters for a blank one', async () => {
      const before = await IncomingDocument.count();
      for (const hidden of ['\u200b\u200b', '\u0007\u0008', '\u202e\u2066']) {
        for (const field of ['subject', 'fromOrganName']) {
          const res = await registerByApi({ [field]: hidden });
          expect(res.status, `${field} ${JSON.stringify(hidden)}`).to.equal(422);
          expect(Object.keys(res.body.error.fields)).to.deep.equal([field]);
        }
      }
      expect(await IncomingDocument.count()).to.equal(before);
    });

    it('refuses them in the JSON API with the field message', async () => {
      const before = await IncomingDocument.count();
      for (const value of ['2026-13-01', '2026-02-31', '0000-01-01', '2101-01-01']) {
        const res = await registerByApi({ dueDate: value });
        expect(res.status, value).to.equal(422);
        expect(res.body.error.fields).to.deep.equal({ dueDate: refusedAs(value) });
      }
      expect(await IncomingDocument.count()).to.equal(before);
    });

    it('refuses a direction deadline, a delegation and a holiday on a day that does not exist', async () => {
      const id = Number(/\/incoming\/(\d+)$/.exec((await register({})).headers.location)![1]);
      const direct = await postForm(leader, `/incoming/${id}/direct`, {
        lead: `d:${office.department.id}`,
        leadDeadline: '2026-13-01',
      });
      expect(direct.status).to.equal(422);
      expect(await IncomingAssignment.count({ where: { documentId: id } })).to.equal(0);
      expect((await IncomingDocument.findByPk(id))!.status).to.equal('registered');

      const delegation = await postForm(leader, '/profile/delegations', {
        delegateId: String(office.deptHead.id),
        form: 'KT',
        actions: 'outgoing.approve',
        startsOn: '01/01/0000',
        endsOn: '01/01/2026',
      });
      expect(delegation.status).to.equal(422);
      expect(await Delegation.count({ where: { principalId: office.leader.id } })).to.equal(0);

      const admin = await signIn(ctx.app, await buildUser(office.agency, ['admin']));
      for (const date of ['0000-01-01', '2026-13-01']) {
        const holiday = await postForm(admin, '/admin/holidays', { date, name: 'Sai' });
        expect(holiday.status, date).to.equal(422);
        expect(holiday.text).to.include(refusedAs(date));
      }
      expect(await Holiday.count({ where: { name: 'Sai' } })).to.equal(0);
    });
  });

  describe('the week calendar of a day that does not exist', () => {
    it('answers 422 with the Vietnamese message, on the page and in the API', async () => {
      const leaderToken = await tokenFor(office.leader);
      for (const date of ['2026-13-01', '2026-02-31', '0000-01-01']) {
        const page = await leader.session.agent.get(`/calendar/week?date=${date}`);
        expect(page.status, date).to.equal(422);
        expect(page.text).to.include(refusedAs(date));
        const api = await request(ctx.app)
          .get(`/api/v1/meetings/calendar/week?date=${date}`)
          .set('Authorization', `Bearer ${leaderToken}`);
        expect(api.status, date).to.equal(422);
        expect(api.body.error.fields).to.deep.equal({ date: refusedAs(date) });
      }
      const good = await leader.session.agent.get('/calendar/week?date=04/03/2026');
      expect(good.status).to.equal(200);
    });
  });

  describe('the incoming list with a refused date filter', () => {
    it('comes back as the list with the date as typed and the reason beside it; a reversed period is said', async () => {
      const bad = await clerk.session.agent.get('/incoming?tab=all&from=31/02/2026&q=abc');
      expect(bad.status).to.equal(422);
      expect(bad.text).to.include('id="f-from-error">Không có ngày này trong lịch');
      expect(bad.text).to.match(/id="f-from" name="from" value="31\/02\/2026" aria-invalid="true"/);
      // The other filters stay.
      expect(bad.text).to.match(/name="q"[^>]*value="abc"/);
      const reversed = await clerk.session.agent.get(
        '/incoming?tab=all&from=10/12/2026&to=01/12/2026',
      );
      expect(reversed.status).to.equal(422);
      expect(reversed.text).to.include(
        'id="f-to-error">Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.</p>',
      );
      expect(reversed.text).to.include('value="10/12/2026"').and.include('value="01/12/2026"');
    });
  });

  describe('list filters with a date that does not exist', () => {
    it('refuses them with 422 and the date message, as the registers do', async () => {
      const admin = await signIn(ctx.app, await buildUser(office.agency, ['admin']));
      const pages: [Actor, string][] = [
        [clerk, '/incoming?tab=all&from={d}'],
        [clerk, '/incoming?to={d}'],
        [clerk, '/incoming/export.xlsx?from={d}'],
        [admin, '/admin/audit?from={d}'],
        [admin, '/admin/audit?to={d}'],
      ];
      for (const d of ['2026-13-01', '2026-02-31', '0000-01-01']) {
        for (const [who, path] of pages) {
          const res = await who.session.agent.get(path.replace('{d}', d));
          expect(res.status, path).to.equal(422);
          expect(res.text, path).to.include(refusedAs(d));
        }
        const api = await request(ctx.app)
          .get(`/api/v1/incoming?from=${d}`)
          .set('Authorization', `Bearer ${clerkToken}`);
        expect(api.status, d).to.equal(422);
        expect(api.body.error.fields).to.deep.equal({ from: refusedAs(d) });
      }
      // A real day still filters, typed either way.
      for (const [who, path] of pages) {
        const res = await who.session.agent.get(path.replace('{d}', '05/03/2026'));
        expect(res.status, path).to.equal(200);
      }
      const audit = await admin.session.agent.get('/admin/audit?from=2026-03-05');
      expect(audit.status).to.equal(200);
    });

    it('keeps the audit page, its filters and the typed day, the reason beside the field, also for its export', async () => {
      const admin = await signIn(ctx.app, await buildUser(office.agency, ['admin']));
      for (const path of ['/admin/audit', '/admin/audit/export.xlsx']) {
        for (const [typed, message] of [
          ['31/02/2026', 'Không có ngày này trong lịch'],
          ['abc', 'Ngày phải có dạng ngày/tháng/năm'],
        ]) {
          const res = await admin.session.agent.get(
            `${path}?from=${encodeURIComponent(typed)}&user=quantri`,
          );
          expect(res.status, `${path} ${typed}`).to.equal(422);
          expect(res.text).to.include('data-testid="audit-rows"');
          expect(res.text).to.match(new RegExp(`id="f-from-error">${message}`));
          expect(res.text).to.include(`value="${typed}"`).and.include('value="quantri"');
        }
        const reversed = await admin.session.agent.get(`${path}?from=10/12/2026&to=01/12/2026`);
        expect(reversed.status, path).to.equal(422);
        expect(reversed.text).to.include(
          'id="f-to-error">Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.</p>',
        );
        expect(reversed.text).to.include('value="10/12/2026"').and.include('value="01/12/2026"');
      }
    });
  });

  describe('numbers of the wrong type', () => {
    it('refuses true, [6], hex and exponents for ids and levels in the JSON API', async () => {
      const organiserToken = await tokenFor(office.deptHead);
      const base = {
        title: 'Họp kiểu sai',
        kind: 'giao_ban',
        chairId: office.leader.id,
        secretaryId: office.deptHead.id,
        startsAt: '2027-02-02T08:00',
        endsAt: '2027-02-02T09:00',
        onlineUrl: 'https://hop.example.vn/a',
      };
      for (const [field, value] of [
        ['chairId', true],
        ['chairId', [office.leader.id]],
        ['chairId', `0x${office.leader.id.toString(16)}`],
        ['chairId', `${office.leader.id}e0`],
        ['secretaryId', { id: office.deptHead.id }],
      ] as const) {
        const res = await request(ctx.app)
          .post('/api/v1/meetings')
          .set('Authorization', `Bearer ${organiserToken}`)
          .send({ ...base, [field]: value });
        expect(res.status, `${field}=${JSON.stringify(value)}`).to.equal(422);
        expect(res.body.error.fields).to.deep.equal({ [field]: 'Phải là một số.' });
      }
    });

    it('refuses hex and exponent numbers typed into a web form', async () => {
      const before = await IncomingDocument.count();
      for (const [field, value] of [
        ['pageAmount', '1e3'],
        ['pageAmount', '0x10'],
        ['urgency', '0x1'],
      ]) {
        const res = await register({ [field]: value });
        expect(res.status, `${field}=${value}`).to.equal(422);
        expect(res.text, field).to.match(new RegExp(`<p class="field-error" id="${field}-error">`));
      }
      expect(await IncomingDocument.count()).to.equal(before);
    });
  });
});
