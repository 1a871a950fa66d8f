import { expect } from 'chai';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { registerDelivery } from '../../src/outgoing/outgoing.deliveries.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { Register } from '../../src/registers/register.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { issuedDocument } from '../helpers/matrix-table-deliveries.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { decree30Draft } from '../fixtures/draft.js';

// 14:30 on 5 December 2026 in Vietnam (UTC+7).
const TIME = '05/12/2026 14:30';
const INSTANT = '2026-12-05T07:30:00.000Z';
const SHOWN = 'Hỏa tốc hẹn giờ: 14:30 05/12/2026';
const REQUIRED = 'Vui lòng nhập giờ hẹn';
const NOT_TIMED = 'Giờ hẹn chỉ dùng cho văn bản Hỏa tốc hẹn giờ';

describe('outgoing drafts: Hỏa tốc hẹn giờ (urgency with its time)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let receiver: Agency;
  let specialist: User;
  let leader: User;
  let clerk: User;
  let recvClerk: User;
  let token: string;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency({ name: 'UBND huyện Hẹn Giờ' });
    receiver = await buildAgency({ name: 'Sở Nhận Hẹn Giờ' });
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    leader = await buildUser(agency, ['leader']);
    clerk = await buildUser(agency, ['clerk']);
    recvClerk = await buildUser(receiver, ['clerk']);
    token = (await createAccessToken(specialist, 'test', { userId: specialist.id, ip: null }))
      .token;
  });

  const count = () => OutgoingDocument.count({ where: { agencyId: agency.id } });

  it('refuses on the page a timed express draft without its time, and a time on another urgency, beside the field in Vietnamese; keeps the time it is given and shows it', async () => {
    const session = await loginAs(ctx.app, specialist);
    const csrf = await session.csrf();
    const post = async (fields: Record<string, string>) => {
      let req = session.agent
        .post(`/outgoing?_csrf=${encodeURIComponent(csrf)}`)
        .field('documentType', 'CV')
        .field('subject', 'V/v họp khẩn hẹn giờ')
        .field('signerId', String(leader.id));
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return req.attach('files', await decree30Draft('V/v họp khẩn hẹn giờ'), 'du-thao.pdf');
    };
    const before = await count();
    for (const [fields, message] of [
      [{ urgency: '4' }, REQUIRED],
      [{ urgency: '1', urgentDeliverBy: TIME }, NOT_TIMED],
      [{ urgency: '0', urgentDeliverBy: TIME }, NOT_TIMED],
    ] as const) {
      const refused = await post(fields);
      expect(refused.status, JSON.stringify(fields)).to.equal(422);
      expect(refused.text).to.match(new RegExp(`id="urgentDeliverBy-error">${message}`));
      expect(await count()).to.equal(before);
    }
    // The form offers the choice, and keeps it on a refusal.
    const form = await session.agent.get('/outgoing/new');
    expect(form.text).to.match(/<option value="4" >Hỏa tốc hẹn giờ<\/option>/);

    const created = await post({ urgency: '4', urgentDeliverBy: TIME });
    expect(created.status, created.text.slice(0, 300)).to.equal(303);
    const id = Number(created.headers.location!.split('/').pop());
    const doc = (await OutgoingDocument.findByPk(id))!;
    expect(doc.urgency).to.equal(3);
    expect(doc.urgentDeliverBy!.toISOString()).to.equal(INSTANT);
    const detail = await session.agent.get(`/outgoing/${id}`);
    expect(detail.text).to.contain(`data-testid="timed-express">${SHOWN}</span>`);
    const edit = await session.agent.get(`/outgoing/${id}/edit`);
    expect(edit.text).to.match(/<option value="4" selected>Hỏa tốc hẹn giờ<\/option>/);
    expect(edit.text).to.contain(`value="${TIME}"`);
    // An edit that lowers the urgency but keeps the time is refused, and changes nothing.
    const lowered = await session.agent.post(`/outgoing/${id}/edit`).type('form').send({
      _csrf: csrf,
      documentType: 'CV',
      subject: 'V/v họp khẩn hẹn giờ',
      urgency: '2',
      urgentDeliverBy: TIME,
    });
    expect(lowered.status).to.equal(422);
    expect(lowered.text).to.match(new RegExp(`id="urgentDeliverBy-error">${NOT_TIMED}`));
    await doc.reload();
    expect([doc.urgency, doc.urgentDeliverBy!.toISOString()]).to.deep.equal([3, INSTANT]);
    // Plain Hỏa tốc, without a time, keeps none.
    const plain = await post({ urgency: '3' });
    expect(plain.status).to.equal(303);
    const plainDoc = await OutgoingDocument.findByPk(
      Number(plain.headers.location!.split('/').pop()),
    );
    expect([plainDoc!.urgency, plainDoc!.urgentDeliverBy]).to.deep.equal([3, null]);
    // The drafter's list names each urgency as the document's page does (not "Khẩn" for all).
    const list = (await session.agent.get('/outgoing?tab=mine')).text;
    const row = (doc: number) =>
      new RegExp(`data-testid="outgoing-row-${doc}"[\\s\\S]*?</tr>`).exec(list)?.[0] ?? '';
    expect(row(id)).to.contain(`data-testid="timed-express">${SHOWN}</span>`);
    expect(row(plainDoc!.id)).to.match(/class="tag tag-urgent">Hỏa tốc<\/span>/);
  });

  it('refuses the same through the API with a Vietnamese message on the field', async () => {
    const api = (fields: Record<string, string>) => {
      let req = request(ctx.app)
        .post('/api/v1/outgoing')
        .set('Authorization', `Bearer ${token}`)
        .field('documentType', 'CV')
        .field('subject', 'V/v thử hẹn giờ qua API');
      for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
      return decree30Draft('V/v thử hẹn giờ qua API').then((pdf) =>
        req.attach('main', pdf, 'du-thao.pdf'),
      );
    };
    const before = await count();
    const missing = await api({ urgency: '4' });
    expect(missing.status).to.equal(422);
    expect(missing.body.error.fields.urgentDeliverBy).to.match(new RegExp(REQUIRED));
    const stray = await api({ urgency: '2', urgentDeliverBy: TIME });
    expect(stray.status).to.equal(422);
    expect(stray.body.error.fields.urgentDeliverBy).to.match(new RegExp(NOT_TIMED));
    expect(await count()).to.equal(before);
    const ok = await api({ urgency: '4', urgentDeliverBy: TIME });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body).to.include({ urgency: 3, urgentDeliverBy: INSTANT });
  });

  it('writes the time in the outgoing register’s notes', async () => {
    const [register] = await Register.findOrCreate({
      where: { agencyId: agency.id, kind: 'outgoing', year: 2025, series: '' },
      defaults: {
        agencyId: agency.id,
        kind: 'outgoing',
        year: 2025,
        series: '',
        name: 'Sổ đăng ký văn bản đi năm 2025',
      },
    });
    const base = {
      agencyId: agency.id,
      departmentId: null,
      documentType: 'CV',
      summary: null,
      confidentiality: 0,
      normative: false,
      signerId: leader.id,
      signingForm: '' as const,
      signerTitle: null,
      recipientsNote: null,
      placeName: 'Hà Nội',
      status: 'issued' as const,
      relatedId: null,
      relation: null,
      createdById: specialist.id,
      registerId: register.id,
      series: '',
      codeNotation: 'UBND-VP',
      promulgationDate: '2025-03-01',
      issuedAt: new Date('2025-03-01T03:00:00Z'),
      issuedById: clerk.id,
    };
    await OutgoingDocument.create({
      ...base,
      subject: 'V/v hẹn giờ trong sổ',
      urgency: 3,
      urgentDeliverBy: new Date(INSTANT),
      codeNumber: 1,
    });
    await OutgoingDocument.create({
      ...base,
      subject: 'V/v hỏa tốc trong sổ',
      urgency: 3,
      urgentDeliverBy: null,
      codeNumber: 2,
    });
    const session = await loginAs(ctx.app, clerk);
    const page = await session.agent.get('/registers?kind=outgoing&from=2025-01-01&to=2025-12-31');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(SHOWN);
    expect(page.text).to.contain('Hỏa tốc');
    expect(page.text.match(/Hỏa tốc hẹn giờ/g)).to.have.length(1);
  });

  it('carries the time to the recipient agency: its arrival shows it, and the registered document keeps it', async () => {
    const { recipients } = await issuedDocument({
      sender: agency,
      clerk,
      createdBy: specialist,
      signer: leader,
      urgency: 3,
      urgentDeliverBy: new Date(INSTANT),
      recipients: [{ agency: receiver }],
    });
    const session = await loginAs(ctx.app, recvClerk);
    const arrivals = await session.agent.get('/incoming/arrivals');
    expect(arrivals.text).to.contain(SHOWN);
    const arrival = await session.agent.get(`/incoming/arrivals/${recipients[0]!.id}`);
    expect(arrival.status).to.equal(200);
    expect(arrival.text).to.contain(`data-testid="urgency">${SHOWN}</dd>`);
    const registered = await registerDelivery(recipients[0]!.id, { user: recvClerk, ip: null });
    const incoming = (await IncomingDocument.findByPk(registered.id))!;
    expect(incoming.urgency).to.equal(3);
    expect(incoming.urgentDeliverBy!.toISOString()).to.equal(INSTANT);
  });
});
