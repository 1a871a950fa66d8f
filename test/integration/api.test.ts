import { expect } from 'chai';
import { ApiCompleteSchema, ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import request from 'supertest';
import { PDFDocument } from 'pdf-lib';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { AccessToken, type User } from '../../src/users/user.model.js';

async function samplePdf(text = 'Văn bản thử'): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd'),
  );
  return Buffer.from(await pdf.save());
}

async function tokenFor(user: User): Promise<string> {
  return (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token;
}

describe('JSON API /api/v1', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('registers, directs, assigns, completes and files an incoming document through the API', async () => {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const clerk = await buildUser(agency, ['clerk']);
    const leader = await buildUser(agency, ['leader']);
    const head = await buildUser(agency, ['dept_head'], { departmentId: department.id });
    const specialist = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const [clerkToken, leaderToken, headToken, specialistToken] = await Promise.all(
      [clerk, leader, head, specialist].map(tokenFor),
    );
    const api = request(ctx.app);

    const created = await api
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${clerkToken}`)
      .field('subject', 'Về việc tổ chức Hội nghị tổng kết năm 2026')
      .field('codeNumber', '15')
      .field('codeNotation', 'QĐ-UBND')
      .field('promulgationDate', '2026-11-02')
      .field('documentType', 'QĐ')
      .field('fromOrganName', 'UBND tỉnh Thử nghiệm')
      .field('urgency', '1')
      .attach('file', await samplePdf(), 'quyet-dinh.pdf');
    expect(created.status, created.text).to.equal(201);
    expect(created.body.arrivalNumber).to.equal(1);
    expect(created.body.subject).to.equal('Về việc tổ chức Hội nghị tổng kết năm 2026');
    expect(created.body.files).to.have.length(1);
    const id = created.body.id as number;

    const presented = await api
      .post(`/api/v1/incoming/${id}/present`)
      .set('Authorization', `Bearer ${clerkToken}`)
      .send({ leaderId: leader.id });
    expect(presented.status, presented.text).to.equal(200);
    expect(presented.body.status).to.equal('presented');

    const directed = await api
      .post(`/api/v1/incoming/${id}/assignments`)
      .set('Authorization', `Bearer ${leaderToken}`)
      .send({ note: 'Giao phòng chủ trì', lead: { departmentId: department.id } });
    expect(directed.status, directed.text).to.equal(201);
    expect(directed.body.assignments[0].role).to.equal('lead');

    const assigned = await api
      .post(`/api/v1/incoming/${id}/assignments`)
      .set('Authorization', `Bearer ${headToken}`)
      .send({ userId: specialist.id, note: 'Đồng chí xử lý' });
    expect(assigned.status, assigned.text).to.equal(201);

    // The leader chases the specialist's part (đôn đốc); the specialist can't chase themself.
    const reminded = await api
      .post(`/api/v1/incoming/${id}/reminders`)
      .set('Authorization', `Bearer ${leaderToken}`)
      .send({ assignmentId: assigned.body.assignments[0].id, note: 'Đề nghị hoàn thành sớm' });
    expect(reminded.status, reminded.text).to.equal(201);
    expect(reminded.body.trail.map((e: { action: string }) => e.action)).to.include('remind');
    const selfReminder = await api
      .post(`/api/v1/incoming/${id}/reminders`)
      .set('Authorization', `Bearer ${specialistToken}`)
      .send({ assignmentId: assigned.body.assignments[0].id });
    expect(selfReminder.status).to.equal(403);

    const completed = await api
      .post(`/api/v1/incoming/${id}/complete`)
      .set('Authorization', `Bearer ${specialistToken}`)
      .send({ resultNote: 'Đã tham mưu văn bản trả lời' });
    expect(completed.status, completed.text).to.equal(200);
    expect(completed.body.status).to.equal('completed');

    const filed = await api
      .post(`/api/v1/incoming/${id}/file`)
      .set('Authorization', `Bearer ${clerkToken}`);
    expect(filed.status, filed.text).to.equal(200);
    expect(filed.body.status).to.equal('filed');

    const list = await api
      .get('/api/v1/incoming?status=filed')
      .set('Authorization', `Bearer ${clerkToken}`);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((d: { id: number }) => d.id)).to.include(id);

    const detail = await api
      .get(`/api/v1/incoming/${id}`)
      .set('Authorization', `Bearer ${clerkToken}`);
    expect(detail.status).to.equal(200);
    expect(detail.body.trail.map((e: { action: string }) => e.action)).to.include.members([
      'register',
      'present',
      'direct',
      'assign',
      'complete',
      'file',
    ]);
    const views = await AuditLog.count({
      where: { action: 'incoming.view', entityId: String(id), userId: clerk.id },
    });
    expect(views).to.be.greaterThan(0);
  });

  it('answers bad input with 422 field errors in Vietnamese and saves nothing', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const token = await tokenFor(clerk);
    const before = await IncomingDocument.count({ where: { agencyId: agency.id } });

    const empty = await request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field('subject', '');
    expect(empty.status).to.equal(422);
    expect(empty.body.error.code).to.equal('VALIDATION_FAILED');
    expect(empty.body.error.message).to.match(/Dữ liệu nhập chưa hợp lệ/);
    expect(empty.body.error.fields).to.have.property('subject');

    const notPdf = await request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field('subject', 'Trích yếu')
      .field('documentType', 'CV')
      .field('fromOrganName', 'Sở Nội vụ')
      .attach('file', Buffer.from('MZ not a pdf at all'), 'virus.pdf');
    expect(notPdf.status).to.equal(422);
    expect(notPdf.body.error.message)
      .to.be.a('string')
      .and.not.match(/at .*\.ts/);

    const wrongType = await request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${token}`)
      .field('subject', 'Trích yếu')
      .field('documentType', 'XYZ')
      .field('fromOrganName', 'Sở Nội vụ')
      .field('urgency', '9')
      .attach('file', await samplePdf(), 'a.pdf');
    expect(wrongType.status).to.equal(422);
    expect(wrongType.body.error.fields).to.include.keys('documentType', 'urgency');

    expect(await IncomingDocument.count({ where: { agencyId: agency.id } })).to.equal(before);
  });

  it('refuses a missing or wrong token with 401 and another role with 403', async () => {
    const agency = await buildAgency();
    const specialist = await buildUser(agency, ['specialist']);
    const bad = await request(ctx.app)
      .get('/api/v1/incoming')
      .set('Authorization', 'Bearer eo_wrong');
    expect(bad.status).to.equal(401);
    expect(bad.body.error.code).to.equal('INVALID_TOKEN');
    const forbidden = await request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${await tokenFor(specialist)}`)
      .field('subject', 'x')
      .field('documentType', 'CV')
      .field('fromOrganName', 'y')
      .attach('file', await samplePdf(), 'a.pdf');
    expect(forbidden.status).to.equal(403);
  });

  it('refuses an expired token and a deactivated person with 401, and touches lastUsedAt once a minute', async () => {
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    const expired = await createAccessToken(
      clerk,
      'cũ',
      { userId: clerk.id, ip: null },
      new Date(Date.now() - 1000),
    );
    const old = await request(ctx.app)
      .get('/api/v1/incoming')
      .set('Authorization', `Bearer ${expired.token}`);
    expect([old.status, old.body.error.code]).to.deep.equal([401, 'INVALID_TOKEN']);

    const live = await createAccessToken(clerk, 'mới', { userId: clerk.id, ip: null });
    const ok = await request(ctx.app)
      .get('/api/v1/incoming')
      .set('Authorization', `Bearer ${live.token}`);
    expect(ok.status).to.equal(200);
    const touched = (await AccessToken.findByPk(live.record.id))!.lastUsedAt;
    expect(touched).to.be.instanceOf(Date);
    await request(ctx.app).get('/api/v1/incoming').set('Authorization', `Bearer ${live.token}`);
    expect((await AccessToken.findByPk(live.record.id))!.lastUsedAt).to.deep.equal(touched);

    await clerk.update({ isActive: false });
    const gone = await request(ctx.app)
      .get('/api/v1/incoming')
      .set('Authorization', `Bearer ${live.token}`);
    expect([gone.status, gone.body.error.code]).to.deep.equal([401, 'INVALID_TOKEN']);
  });

  it("hides another agency's document behind a 404", async () => {
    const mine = await buildAgency();
    const theirs = await buildAgency();
    const theirClerk = await buildUser(theirs, ['clerk']);
    const myClerk = await buildUser(mine, ['clerk']);
    const created = await request(ctx.app)
      .post('/api/v1/incoming')
      .set('Authorization', `Bearer ${await tokenFor(theirClerk)}`)
      .field('subject', 'Văn bản của cơ quan khác')
      .field('documentType', 'CV')
      .field('fromOrganName', 'Sở Tài chính')
      .attach('file', await samplePdf(), 'a.pdf');
    expect(created.status, created.text).to.equal(201);
    const peek = await request(ctx.app)
      .get(`/api/v1/incoming/${created.body.id}`)
      .set('Authorization', `Bearer ${await tokenFor(myClerk)}`);
    expect(peek.status).to.equal(404);
    const junk = await request(ctx.app)
      .get('/api/v1/incoming/abc')
      .set('Authorization', `Bearer ${await tokenFor(myClerk)}`);
    expect(junk.status).to.equal(404);
  });

  it('describes itself in an OpenAPI document', async () => {
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
    expect(res.body.paths).to.include.keys(
      '/incoming',
      '/incoming/{id}',
      '/incoming/{id}/assignments',
      '/incoming/{id}/complete',
      '/incoming/{id}/reminders',
    );
    expect(
      res.body.paths['/incoming'].post.requestBody.content['multipart/form-data'].schema.required,
    ).to.include('file');
  });

  it('takes its request shapes from the schemas the routes validate with, so it cannot drift', async () => {
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    const form = res.body.paths['/incoming'].post.requestBody.content['multipart/form-data'].schema;
    expect(form.required).to.have.members(['file', 'fromOrganName', 'documentType', 'subject']);
    expect(form.properties.subject).to.include({ type: 'string', maxLength: 4000 });
    expect(form.properties.documentType.enum).to.include.members(['CV', 'QĐ', 'QyĐ']);
    expect(
      res.body.paths['/incoming'].get.parameters.map((p: { name: string }) => p.name),
    ).to.have.members(Object.keys(ListQuerySchema.shape));
    const complete =
      res.body.paths['/incoming/{id}/complete'].post.requestBody.content['application/json'].schema;
    expect(complete.required).to.deep.equal(['resultNote']);
    expect(Object.keys(complete.properties)).to.have.members(Object.keys(ApiCompleteSchema.shape));
  });
});
