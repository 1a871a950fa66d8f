import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { incomingFields, signIn, type Actor } from './incoming-helpers.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { SetupSchema } from '../../src/agencies/setup.service.js';
import { parseInput } from '../../src/http/validate.js';
import { AppError } from '../../src/http/app-error.js';
import { translator } from '../../src/i18n/index.js';
import { useMatrixWorld } from '../helpers/matrix-suite.js';
import type { MatrixWorld, SignedInActor } from '../helpers/matrix-actors.js';
import { MATRIX } from '../helpers/matrix-table.js';

const DATE_MESSAGE = 'Ngày phải có dạng ngày/tháng/năm, ví dụ 05/03/2026';

describe('forms that help', () => {
  let ctx: TestContext;
  let clerk: Actor;
  let pdf: Buffer;
  let agency: Awaited<ReturnType<typeof buildAgency>>;
  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    clerk = await signIn(ctx.app, await buildUser(agency, ['clerk']));
    pdf = await makePdf(1, 'Cong van');
  });

  const register = (overrides: Record<string, string>, file: Buffer = pdf) => {
    let req = clerk.session.agent.post('/incoming').field('_csrf', clerk.token);
    for (const [k, v] of Object.entries(incomingFields(overrides))) req = req.field(k, v);
    return req.attach('files', file, { filename: 'cv.pdf', contentType: 'application/pdf' });
  };

  it('takes dates typed dd/mm/yyyy and stores them as dates', async () => {
    const res = await register({ promulgationDate: '05/03/2026', dueDate: '7/4/2026' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = Number(/\/incoming\/(\d+)$/.exec(res.headers.location)![1]);
    const doc = (await IncomingDocument.findByPk(id))!;
    expect(String(doc.promulgationDate).slice(0, 10)).to.equal('2026-03-05');
    expect(String(doc.dueDate).slice(0, 10)).to.equal('2026-04-07');
    // Shown back day first in the edit form.
    const edit = await clerk.session.agent.get(`/incoming/${id}/edit`);
    expect(edit.text).to.match(/id="promulgationDate"[^>]*value="05\/03\/2026"/);
  });

  it('refuses a date it cannot read with the Vietnamese message next to the field', async () => {
    const res = await register({ promulgationDate: '2026/03/05' });
    expect(res.status).to.equal(422);
    expect(res.text).to.include(
      `<p class="field-error" id="promulgationDate-error">${DATE_MESSAGE}</p>`,
    );
    // What was typed is shown again, to be corrected.
    expect(res.text).to.match(
      /id="promulgationDate"[^>]*value="2026\/03\/05"[^>]*aria-invalid="true"/,
    );
    expect(res.text).not.to.match(/mong đợi|nhận được|Invalid input/);
  });

  it('has no browser date pickers on its forms, and loads the form script', async () => {
    for (const path of ['/incoming/new', '/incoming', '/registers']) {
      const res = await clerk.session.agent.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).not.to.match(NATIVE_DATE_INPUT);
      expect(res.text, path).to.include('<script src="/public/js/forms.js" defer></script>');
    }
    const form = await clerk.session.agent.get('/incoming/new');
    expect(form.text).to.match(/data-date id="arrivalDate"/);
    expect(form.text).to.include('Mỗi tệp tối đa 50 MB.');
  });

  it("reads the reports' custom period typed day first and shows it back so", async () => {
    const leader = await signIn(ctx.app, await buildUser(agency, ['leader']));
    for (const path of ['/reports/on-time', '/meetings/tasks/report']) {
      const res = await leader.session.agent.get(
        `${path}?period=custom&from=01/12/2026&to=15/12/2026`,
      );
      expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.equal(200);
      expect(res.text, path).to.match(/data-date id="r-from"[^>]*value="01\/12\/2026"/);
      expect(res.text, path).to.match(/data-date id="r-to"[^>]*value="15\/12\/2026"/);
    }
  });

  it('filters the list by dates typed day first', async () => {
    const res = await clerk.session.agent.get('/incoming?from=01/01/2026&to=31/12/2026');
    expect(res.status).to.equal(200);
    expect(res.text).to.match(/id="f-from"[^>]*value="01\/01\/2026"/);
  });

  it('says the upload limit when a file is too large (413)', async () => {
    const huge = Buffer.alloc(ctx.config.maxUploadBytes + 1024, 0x20);
    const res = await register({}, huge);
    expect(res.status).to.equal(413);
    expect(res.text).to.include('Mỗi tệp tối đa 50 MB.');
  });
});

const NATIVE_DATE_INPUT = /<input[^>]*type="(date|datetime-local|time|month|week)"/;

describe('forms: no browser date picker on any page', function () {
  this.timeout(300_000);
  let world: MatrixWorld;
  useMatrixWorld((w) => (world = w));

  // Every page of the app (the policy matrix's GET routes with their fixtures), as each role
  // allowed to see it: a page with a form has date fields typed dd/mm/yyyy, never a native picker.
  it('walks every page with a form, for every role that sees it', async () => {
    const problems: string[] = [];
    let pagesWithForms = 0;
    for (const entry of MATRIX) {
      if (entry.method !== 'GET' || entry.path.startsWith('/api/')) continue;
      for (const c of entry.cases) {
        const prep = c.prepare ? await c.prepare(world, null) : {};
        try {
          let url = entry.path.replace(/:([A-Za-z]+)/g, (_m, name: string) =>
            encodeURIComponent(String(prep.params?.[name])),
          );
          if (prep.query) url += `?${new URLSearchParams(prep.query)}`;
          for (const actor of c.allowed) {
            if (actor === 'anonymous' || /\/events$/.test(entry.path)) continue;
            const res = await world.sessions[actor as SignedInActor].agent.get(url);
            const html = String(res.headers['content-type'] ?? '').startsWith('text/html');
            if (res.status !== 200 || !html || !res.text.includes('<form')) continue;
            pagesWithForms++;
            const found = NATIVE_DATE_INPUT.exec(res.text);
            if (found) problems.push(`${url} as ${actor}: ${found[0].slice(0, 120)}`);
          }
        } finally {
          await prep.cleanup?.();
        }
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    // The walk reached the pages (a broken fixture would make it pass on nothing).
    expect(pagesWithForms).to.be.greaterThan(50);
  });
});

describe('forms: the first-run setup form', () => {
  const refusal = (input: Record<string, string>) => {
    try {
      parseInput(SetupSchema, input);
    } catch (err) {
      if (err instanceof AppError) return err.fields!;
    }
    throw new Error('not refused');
  };
  const base = {
    agencyName: 'UBND tỉnh Thử',
    agencyAbbr: 'UBND',
    agencyCode: '000.00.00.H41',
    adminUsername: 'quantri',
  };

  it('says plainly what is wrong with the password', () => {
    expect(refusal({ ...base, adminPassword: 'matkhaudai' }).adminPassword).to.equal(
      'Mật khẩu phải có ít nhất một chữ số.',
    );
    expect(refusal({ ...base, adminPassword: '12345678' }).adminPassword).to.equal(
      'Mật khẩu phải có ít nhất một chữ cái.',
    );
    expect(refusal({ ...base, adminPassword: 'a1' }).adminPassword).to.equal(
      'Mật khẩu phải có ít nhất 8 ký tự.',
    );
    expect(refusal({ ...base, agencyCode: 'abc', adminPassword: 'matkhau1' })).to.have.keys(
      'agencyCode',
    );
  });

  it('states the rule and shows each error next to its field', async () => {
    const ctx = await testApp();
    const t = translator('vi');
    const html = await new Promise<string>((resolve, reject) =>
      ctx.app.render(
        'setup/form',
        {
          layout: 'bare',
          t,
          lng: 'vi',
          title: 'x',
          values: base,
          errors: { adminPassword: 'Mật khẩu phải có ít nhất một chữ số.' },
        },
        (err, out) => (err ? reject(err) : resolve(out)),
      ),
    );
    expect(html).to.include('Mật khẩu cần ít nhất 8 ký tự, có cả chữ cái và chữ số.');
    expect(html).to.include(
      '<p class="field-error" id="adminPassword-error">Mật khẩu phải có ít nhất một chữ số.</p>',
    );
    expect(html).to.match(/id="adminPassword"[^>]*aria-invalid="true"/);
    expect(html).to.include('/public/js/forms.js');
  });
});
