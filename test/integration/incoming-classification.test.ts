import { expect } from 'chai';
import request from 'supertest';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { buildEdxml } from '../fixtures/edxml.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { incomingFields, registerThroughForm, signIn, type Actor } from './incoming-helpers.js';

const STACK = /at \S+ \(|node_modules|\.ts:\d+/;

/** The value a form field was filled with (inputs and the selected option). */
function fieldValue(html: string, name: string): string | null {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html);
  if (input) return input[1];
  const select = new RegExp(`<select[^>]*name="${name}"[\\s\\S]*?</select>`).exec(html);
  if (select) return /<option value="([^"]*)"\s+selected/.exec(select[0])?.[1] ?? null;
  return null;
}

const decode = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

describe('classification of incoming documents (issue 11 §6)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  async function clerkOf() {
    const agency = await buildAgency();
    const clerk = await signIn(ctx.app, await buildUser(agency, ['clerk']));
    return { agency, clerk };
  }

  /** Posts the registration form with a PDF; the response as is. */
  async function postRegistration(clerk: Actor, fields: Record<string, string>) {
    let req = clerk.session.agent.post(`/incoming?_csrf=${encodeURIComponent(clerk.token)}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('files', await makePdf(1, 'Van ban'), {
      filename: 'van-ban.pdf',
      contentType: 'application/pdf',
    });
  }

  describe('document types and copy forms', () => {
    it('offers every type of Appendix III and of the Law on legal documents under its name; Công văn without "CV"', async () => {
      const { agency, clerk } = await clerkOf();
      const form = await clerk.session.agent.get('/incoming/new');
      for (const label of [
        'Nghị định (NĐ)',
        'Thông tư (TT)',
        'Thông tư liên tịch (TTLT)',
        'Nghị quyết liên tịch (NQLT)',
        'Lệnh (L)',
        'Quyết định (QĐ)',
        'Chỉ thị (CT)',
        'Nghị quyết (NQ)',
      ])
        expect(form.text).to.contain(`>${label}</option>`);
      for (const name of ['Hiến pháp', 'Bộ luật', 'Luật', 'Pháp lệnh', 'Công văn'])
        expect(form.text).to.match(new RegExp(`>${name}</option>`));
      expect(form.text).not.to.contain('(CV)');
      expect(form.text).not.to.contain('(LUAT)');
      // The drafting form, too: Công văn under its name, the others with their abbreviation.
      const drafter = await signIn(ctx.app, await buildUser(agency, ['specialist']));
      const draft = await drafter.session.agent.get('/outgoing/new');
      expect(draft.status).to.equal(200);
      expect(draft.text).to.contain('>Công văn</option>');
      expect(draft.text).to.contain('>Quyết định (QĐ)</option>');
      expect(draft.text).not.to.contain('(CV)');
    });

    it('registers a Nghị định, a Luật and a Thông tư liên tịch under their names, with the copy form', async () => {
      const { clerk } = await clerkOf();
      const cases: [string, string, string, string][] = [
        ['NĐ', 'Nghị định', 'SY', 'Bản sao y'],
        ['LUAT', 'Luật', 'original', 'Bản chính'],
        ['TTLT', 'Thông tư liên tịch', 'TrS', 'Bản trích sao'],
        ['PHAPLENH', 'Pháp lệnh', 'SL', 'Bản sao lục'],
      ];
      for (const [code, name, copyForm, copyLabel] of cases) {
        const id = await registerThroughForm(clerk, {
          documentType: code,
          copyForm,
          subject: `Về ${name} ${copyForm}`,
        });
        const doc = await IncomingDocument.findByPk(id);
        expect([doc!.documentType, doc!.copyForm]).to.deep.equal([code, copyForm]);
        const detail = await clerk.session.agent.get(`/incoming/${id}`);
        expect(detail.text).to.contain(`<dd>${name}</dd>`);
        expect(detail.text).to.contain(`data-testid="copy-form">${copyLabel}<`);
      }
      // A copy is noted in the register ("Ghi chú"); the original is not.
      const register = await clerk.session.agent.get('/registers?kind=incoming');
      expect(register.text).to.contain('Bản sao y');
      expect(register.text).to.contain('Bản trích sao');
      expect(register.text).not.to.contain('Bản chính');
    });

    it('defaults to the original (bản chính) and refuses an unknown type or copy form next to its field', async () => {
      const { clerk } = await clerkOf();
      const id = await registerThroughForm(clerk, { subject: 'Không ghi hình thức bản' });
      expect((await IncomingDocument.findByPk(id))!.copyForm).to.equal('original');
      const before = await IncomingDocument.count();
      const res = await postRegistration(
        clerk,
        incomingFields({ documentType: 'XYZ', copyForm: 'photocopy' }),
      );
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/id="documentType-error">[^<]*[ạ-ỹ]/);
      expect(res.text).to.contain('id="copyForm-error">Hình thức bản không hợp lệ');
      expect(res.text).not.to.match(STACK);
      expect(await IncomingDocument.count()).to.equal(before);
    });
  });

  describe('Hỏa tốc hẹn giờ', () => {
    it('keeps the time chosen on the form and shows it on the detail page, the list and the edit form', async () => {
      const { clerk } = await clerkOf();
      const id = await registerThroughForm(clerk, {
        urgency: '4',
        urgentDeliverBy: '05/12/2026 14:30',
        subject: 'Hẹn giờ trên mẫu',
      });
      const doc = await IncomingDocument.findByPk(id);
      expect(doc!.urgency).to.equal(3);
      expect(doc!.urgentDeliverBy!.toISOString()).to.equal('2026-12-05T07:30:00.000Z');
      const detail = await clerk.session.agent.get(`/incoming/${id}`);
      expect(detail.text).to.contain('data-testid="urgency">Hỏa tốc hẹn giờ: 14:30 05/12/2026<');
      const list = await clerk.session.agent.get('/incoming?tab=all');
      expect(list.text).to.contain('Hỏa tốc hẹn giờ: 14:30 05/12/2026');
      // The list's urgency filter has the choice too: only timed documents, not plain Hỏa tốc.
      await registerThroughForm(clerk, { urgency: '3', subject: 'Hỏa tốc không hẹn giờ' });
      const timedOnly = await clerk.session.agent.get('/incoming?tab=all&urgency=4');
      expect(timedOnly.text).to.contain('Hẹn giờ trên mẫu');
      expect(timedOnly.text).not.to.contain('Hỏa tốc không hẹn giờ');
      const express = await clerk.session.agent.get('/incoming?tab=all&urgency=3');
      expect(express.text).to.contain('Hỏa tốc không hẹn giờ');
      const edit = await clerk.session.agent.get(`/incoming/${id}/edit`);
      expect(fieldValue(edit.text, 'urgency')).to.equal('4');
      expect(fieldValue(edit.text, 'urgentDeliverBy')).to.equal('05/12/2026 14:30');
      const register = await clerk.session.agent.get('/registers?kind=incoming');
      expect(register.text).to.contain('Hỏa tốc hẹn giờ: 14:30 05/12/2026');
    });

    it('asks for the time of Hỏa tốc hẹn giờ, refuses a time for other urgencies and an unreadable time', async () => {
      const { clerk } = await clerkOf();
      const before = await IncomingDocument.count();
      const cases: [Record<string, string>, RegExp][] = [
        [{ urgency: '4' }, /id="urgentDeliverBy-error">Vui lòng nhập giờ hẹn/],
        [
          { urgency: '1', urgentDeliverBy: '05/12/2026 14:30' },
          /id="urgentDeliverBy-error">Giờ hẹn chỉ dùng cho văn bản Hỏa tốc hẹn giờ/,
        ],
        [
          { urgency: '4', urgentDeliverBy: '32/13/2026 25:99' },
          /id="urgentDeliverBy-error">Không có ngày này trong lịch/,
        ],
        [{ urgency: '9' }, /id="urgency-error">[^<]+/],
      ];
      for (const [fields, message] of cases) {
        const res = await postRegistration(clerk, incomingFields(fields));
        expect(res.status, JSON.stringify(fields)).to.equal(422);
        expect(res.text, JSON.stringify(fields)).to.match(message);
        expect(res.text).not.to.match(STACK);
      }
      expect(await IncomingDocument.count()).to.equal(before);
    });
  });

  describe('edXML import', () => {
    async function sendPackage(clerk: Actor, pkg: Buffer) {
      return clerk.session.agent
        .post(`/incoming/edxml?_csrf=${encodeURIComponent(clerk.token)}`)
        .attach('package', pkg, { filename: 'goi.edxml', contentType: 'application/xml' });
    }

    it('refuses a package addressed to another agency, or to no one, in Vietnamese, keeping nothing', async () => {
      const { clerk } = await clerkOf();
      const pdf = await makePdf(1, 'Goi sai noi nhan');
      const wrong = await sendPackage(
        clerk,
        buildEdxml({ to: ['000.00.99.H99'], attachments: [{ name: 'a.pdf', content: pdf }] }),
      );
      expect(wrong.status).to.equal(422);
      expect(wrong.text).to.contain('data-testid="edxml-error"');
      expect(wrong.text).to.contain('Gói edXML gửi cho cơ quan khác (000.00.99.H99)');
      expect(wrong.text).not.to.contain('name="stagedFiles"');
      const nobody = await sendPackage(
        clerk,
        buildEdxml({ to: [], attachments: [{ name: 'a.pdf', content: pdf }] }),
      );
      expect(nobody.status).to.equal(422);
      expect(nobody.text).to.contain('không ghi nơi nhận (To/OrganId)');
      // Hostile To values are named, escaped, and still refused.
      const hostile = await sendPackage(
        clerk,
        buildEdxml({ to: ['<script>alert(1)</script>'.repeat(20)] }),
      );
      expect(hostile.status).to.equal(422);
      expect(hostile.text).not.to.contain('<script>alert(1)');
      expect(hostile.text).not.to.match(STACK);
    });

    it('keeps DocumentId, Competence, Position, Place, ResponseFor and the time of Priority 4 as columns, shown on the page and in the API', async () => {
      const { agency, clerk } = await clerkOf();
      const documentId = `000.00.00.H41,2026/11/02,${Date.now()}/STC-QLNS`;
      const read = await sendPackage(
        clerk,
        buildEdxml({
          to: ['000.00.99.H99', agency.code],
          documentId,
          priority: 4,
          dueDate: '2026/12/05 16:00:00',
          typeName: 'Thông tư',
          place: 'Hà Nam',
          competence: 'KT. GIÁM ĐỐC',
          position: 'Phó Giám đốc',
          responseFor: [
            {
              organId: agency.code,
              code: '45/UBND-VP',
              promulgationDate: '2026/10/20',
              documentId: `${agency.code},2026/10/20,45/UBND-VP`,
            },
          ],
          attachments: [{ name: 'thong-tu.pdf', content: await makePdf(1, 'Thong tu') }],
        }),
      );
      expect(read.status, read.text.slice(0, 300)).to.equal(200);
      expect(read.text).to.contain('data-testid="edxml-response-for"');
      expect(read.text).to.contain('45/UBND-VP (20/10/2026)');
      const values: Record<string, string> = {};
      for (const name of [
        'fromOrganName',
        'fromOrganId',
        'codeNumber',
        'codeNotation',
        'promulgationDate',
        'promulgationPlace',
        'documentType',
        'subject',
        'signerName',
        'signerCompetence',
        'signerPosition',
        'urgency',
        'urgentDeliverBy',
        'confidentiality',
        'copyForm',
        'dueDate',
        'edxmlDocumentId',
        'responseFor',
      ]) {
        const value = fieldValue(read.text, name);
        if (value !== null) values[name] = decode(value);
      }
      values.subject = 'Về việc hướng dẫn thông tư liên thông';
      expect(values).to.include({
        documentType: 'TT',
        urgency: '4',
        urgentDeliverBy: '05/12/2026 16:00',
        promulgationPlace: 'Hà Nam',
        signerCompetence: 'KT. GIÁM ĐỐC',
        signerPosition: 'Phó Giám đốc',
        edxmlDocumentId: documentId,
      });
      const staged = [...read.text.matchAll(/name="stagedFiles" value="([0-9a-f]{32})"/g)].map(
        (m) => m[1],
      );
      let req = clerk.session.agent.post(`/incoming?_csrf=${encodeURIComponent(clerk.token)}`);
      for (const [k, v] of Object.entries(values)) req = req.field(k, v);
      for (const s of staged) req = req.field('stagedFiles', s);
      const saved = await req;
      expect(saved.status, saved.text.slice(0, 500)).to.equal(303);
      const id = Number(/\/incoming\/(\d+)$/.exec(saved.headers.location)![1]);

      const doc = await IncomingDocument.findByPk(id);
      expect(doc!.get({ plain: true })).to.include({
        edxmlDocumentId: documentId,
        signerCompetence: 'KT. GIÁM ĐỐC',
        signerPosition: 'Phó Giám đốc',
        promulgationPlace: 'Hà Nam',
        documentType: 'TT',
        urgency: 3,
      });
      expect(doc!.urgentDeliverBy!.toISOString()).to.equal('2026-12-05T09:00:00.000Z');
      expect(JSON.parse(doc!.responseFor!)).to.deep.equal([
        {
          organId: agency.code,
          code: '45/UBND-VP',
          promulgationDate: '2026-10-20',
          documentId: `${agency.code},2026/10/20,45/UBND-VP`,
        },
      ]);

      const detail = await clerk.session.agent.get(`/incoming/${id}`);
      expect(detail.text).to.contain(`data-testid="edxml-document-id">${documentId}<`);
      expect(detail.text).to.contain('data-testid="signer-competence">KT. GIÁM ĐỐC<');
      expect(detail.text).to.contain('data-testid="signer-position">Phó Giám đốc<');
      expect(detail.text).to.contain('data-testid="promulgation-place">Hà Nam<');
      expect(detail.text).to.contain('45/UBND-VP ngày 20/10/2026');
      expect(detail.text).to.contain('Hỏa tốc hẹn giờ: 16:00 05/12/2026');

      const { token } = await createAccessToken(clerk.user, 'test', {
        userId: clerk.user.id,
        ip: null,
      });
      const api = await request(ctx.app)
        .get(`/api/v1/incoming/${id}`)
        .set('Authorization', `Bearer ${token}`);
      expect(api.status).to.equal(200);
      expect(api.body).to.include({
        edxmlDocumentId: documentId,
        signerCompetence: 'KT. GIÁM ĐỐC',
        signerPosition: 'Phó Giám đốc',
        promulgationPlace: 'Hà Nam',
        copyForm: 'original',
        urgency: 3,
        urgentDeliverBy: '2026-12-05T09:00:00.000Z',
      });
      expect(api.body.responseFor[0]).to.include({ code: '45/UBND-VP' });
    });

    it('refuses a tampered ResponseFor on the form next to it, and escapes what it shows', async () => {
      const { clerk } = await clerkOf();
      const before = await IncomingDocument.count();
      const tampered = [
        'not json',
        '{"code":"1"}',
        JSON.stringify([{ code: '1', evil: 'x' }]),
        JSON.stringify(Array.from({ length: 21 }, (_, i) => ({ code: `${i}/UBND` }))),
        JSON.stringify([{ code: 'x'.repeat(500) }]),
        JSON.stringify([{ code: '1', promulgationDate: '20/10/2026' }]),
        'x'.repeat(30_000),
      ];
      for (const responseFor of tampered) {
        const res = await postRegistration(clerk, incomingFields({ responseFor }));
        expect(res.status, responseFor.slice(0, 40)).to.equal(422);
        expect(res.text).to.contain('id="responseFor-error"');
        expect(res.text).to.contain('Danh sách văn bản được trả lời không hợp lệ');
        expect(res.text).not.to.match(STACK);
      }
      expect(await IncomingDocument.count()).to.equal(before);

      const id = await registerThroughForm(clerk, {
        responseFor: JSON.stringify([{ code: '<img src=x onerror=alert(1)>' }]),
      });
      const detail = await clerk.session.agent.get(`/incoming/${id}`);
      expect(detail.text).to.contain('&lt;img src');
      expect(detail.text).not.to.contain('<img src=x');
    });
  });

  describe('API', () => {
    it('registers through /api/v1 with the new fields and describes them in openapi.json', async () => {
      const { clerk } = await clerkOf();
      const { token } = await createAccessToken(clerk.user, 'test', {
        userId: clerk.user.id,
        ip: null,
      });
      const created = await request(ctx.app)
        .post('/api/v1/incoming')
        .set('Authorization', `Bearer ${token}`)
        .field('subject', 'Thông tư liên tịch qua API')
        .field('fromOrganName', 'Bộ Tài chính')
        .field('documentType', 'TTLT')
        .field('copyForm', 'SL')
        .field('urgency', '4')
        .field('urgentDeliverBy', '2026-12-06T08:15')
        .field('signerCompetence', 'KT. BỘ TRƯỞNG')
        .field('responseFor', JSON.stringify([{ code: '12/UBND-VP' }]))
        .attach('file', await makePdf(1, 'API'), 'ttlt.pdf');
      expect(created.status, created.text).to.equal(201);
      expect(created.body).to.include({
        documentType: 'TTLT',
        copyForm: 'SL',
        urgency: 3,
        urgentDeliverBy: '2026-12-06T01:15:00.000Z',
        signerCompetence: 'KT. BỘ TRƯỞNG',
      });
      expect(created.body.responseFor).to.deep.equal([{ code: '12/UBND-VP' }]);

      const refused = await request(ctx.app)
        .post('/api/v1/incoming')
        .set('Authorization', `Bearer ${token}`)
        .field('subject', 'Thiếu giờ hẹn')
        .field('fromOrganName', 'Bộ Tài chính')
        .field('documentType', 'CV')
        .field('urgency', '4')
        .attach('file', await makePdf(1, 'API'), 'cv.pdf');
      expect(refused.status).to.equal(422);
      expect(refused.body.error.fields.urgentDeliverBy).to.contain('Vui lòng nhập giờ hẹn');

      const spec = await request(ctx.app).get('/api/v1/openapi.json');
      const incoming = spec.body.components.schemas.Incoming.properties;
      for (const field of [
        'copyForm',
        'urgentDeliverBy',
        'signerCompetence',
        'signerPosition',
        'promulgationPlace',
        'edxmlDocumentId',
        'responseFor',
      ])
        expect(incoming, field).to.have.property(field);
      expect(incoming.documentType.enum).to.include.members(['NĐ', 'TT', 'TTLT', 'LUAT', 'CV']);
    });
  });
});
