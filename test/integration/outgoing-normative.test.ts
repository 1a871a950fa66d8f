import { expect } from 'chai';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { decree30Draft } from '../fixtures/draft.js';

const REFUSED = 'Chỉ Nghị quyết và Quyết định mới có thể là văn bản quy phạm pháp luật';

describe('outgoing drafts: the legal normative mark only on types that can bear it', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let specialist: User;
  let token: string;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    const dept = await buildDepartment(agency);
    specialist = await buildUser(agency, ['specialist'], { departmentId: dept.id });
    token = (await createAccessToken(specialist, 'test', { userId: specialist.id, ip: null }))
      .token;
  });

  const count = () => OutgoingDocument.count({ where: { agencyId: agency.id } });

  it('refuses on the page a công văn, a tờ trình, a kế hoạch… marked normative, beside the mark; keeps a normative Quyết định', async () => {
    const session = await loginAs(ctx.app, specialist);
    const csrf = await session.csrf();
    const post = async (documentType: string) =>
      session.agent
        .post(`/outgoing?_csrf=${encodeURIComponent(csrf)}`)
        .field('documentType', documentType)
        .field('subject', 'Về việc thử văn bản quy phạm')
        .field('normative', 'on')
        .attach('files', await decree30Draft('Về việc thử văn bản quy phạm'), 'du-thao.pdf');
    const before = await count();
    for (const type of ['CV', 'TB', 'TTr', 'BC', 'KH', 'GM', 'BB']) {
      const refused = await post(type);
      expect(refused.status, type).to.equal(422);
      expect(refused.text).to.contain(`id="normative-error">${REFUSED}`);
      expect(await count()).to.equal(before);
    }
    const kept = await post('QĐ');
    expect(kept.status, kept.text.slice(0, 300)).to.equal(303);
    const id = Number(kept.headers.location!.split('/').pop());
    expect((await OutgoingDocument.findByPk(id))!.normative).to.equal(true);
    // Turning it into a công văn while the mark stays is refused too, and changes nothing.
    const edited = await session.agent
      .post(`/outgoing/${id}/edit`)
      .type('form')
      .send({ _csrf: csrf, documentType: 'CV', subject: 'Về việc đổi loại', normative: 'on' });
    expect(edited.status).to.equal(422);
    expect(edited.text).to.contain(`id="normative-error">${REFUSED}`);
    const after = (await OutgoingDocument.findByPk(id))!;
    expect([after.documentType, after.normative]).to.deep.equal(['QĐ', true]);
  });

  it('refuses the same through the API with a Vietnamese message on the field', async () => {
    const api = async (documentType: string) =>
      request(ctx.app)
        .post('/api/v1/outgoing')
        .set('Authorization', `Bearer ${token}`)
        .field('documentType', documentType)
        .field('subject', 'Về việc thử qua API')
        .field('normative', 'true')
        .attach('main', await decree30Draft('Về việc thử qua API'), 'du-thao.pdf');
    const before = await count();
    const refused = await api('CV');
    expect(refused.status).to.equal(422);
    expect(refused.body.error.fields.normative).to.contain(REFUSED);
    expect(await count()).to.equal(before);
    const ok = await api('NQ');
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body).to.include({ documentType: 'NQ', normative: true });
  });
});
