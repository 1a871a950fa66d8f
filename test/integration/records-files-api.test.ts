import { expect } from 'chai';
import request from 'supertest';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { DocumentGrant } from '../../src/documents/document.model.js';
import {
  RecordsFile,
  RecordsFileItem,
  RecordsFileMember,
} from '../../src/records-files/records-file.model.js';
import { RecordsFileSchema } from '../../src/records-files/records-files.schemas.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, type Office } from './incoming-helpers.js';

/** /api/v1/records-files: the same rules as the pages, in JSON. */
describe('records files through the JSON API (/api/v1/records-files)', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let office: Office;
  let pdf: Buffer;
  let year: number;

  const api = (token: string) => {
    const auth = { Authorization: `Bearer ${token}` };
    return {
      get: (url: string) => request(ctx.app).get(url).set(auth),
      post: (url: string, body: object = {}) => request(ctx.app).post(url).set(auth).send(body),
      put: (url: string, body: object) => request(ctx.app).put(url).set(auth).send(body),
      delete: (url: string) => request(ctx.app).delete(url).set(auth),
    };
  };
  const as = async (user: User) =>
    api((await createAccessToken(user, 'hồ sơ', { userId: user.id, ip: null })).token);

  const body = (overrides: Record<string, unknown> = {}) => ({
    code: `API.${Math.random().toString(36).slice(2, 8)}`,
    title: 'Hồ sơ về việc tổ chức hội nghị tổng kết năm',
    year,
    retention: 10,
    departmentId: office.department.id,
    ...overrides,
  });

  /** An incoming document only its registering clerk and the given people may open. */
  const documentFor = async (subject: string, ...users: User[]) => {
    const doc = await registerDocument(office.clerk, { subject }, pdf);
    for (const u of users)
      await DocumentGrant.create({
        documentKind: 'incoming',
        documentId: doc.id,
        userId: u.id,
        grantedById: office.clerk.id,
      });
    return doc;
  };

  before(async () => {
    ctx = await testApp();
    pdf = await makePdf(1);
    office = await buildOffice();
    year = new Date().getFullYear();
  });

  it('opens a file, gathers documents, shares it and closes it, with the pages’ rules and audit', async () => {
    const specialist = await as(office.specialist);
    const reader = await as(office.reader);
    const clerk = await as(office.clerk);

    const created = await specialist.post('/api/v1/records-files', body({ code: 'HN-01' }));
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.id as number;
    expect(created.headers.location).to.equal(`/api/v1/records-files/${id}`);
    expect(created.body).to.include({
      code: 'HN-01',
      year,
      retentionYears: 10,
      status: 'open',
      hiddenDocuments: 0,
    });
    expect(created.body.keeper).to.deep.equal({
      id: office.specialist.id,
      name: office.specialist.fullName,
    });
    expect(created.body.can).to.include({ manage: true, addDocuments: true, transfer: false });

    // Documents: one the keeper may open goes in, once; one they may not is not found.
    const shared = await documentFor('Kế hoạch tổ chức hội nghị', office.specialist, office.reader);
    const mine = await documentFor('Dự toán kinh phí hội nghị', office.specialist);
    const notMine = await documentFor('Văn bản không giao cho chuyên viên');
    for (const doc of [shared, mine]) {
      const res = await specialist.post(`/api/v1/records-files/${id}/documents`, {
        kind: 'incoming',
        documentId: doc.id,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    const again = await specialist.post(`/api/v1/records-files/${id}/documents`, {
      kind: 'incoming',
      documentId: shared.id,
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.equal('Văn bản này đã có trong hồ sơ.');
    const hidden = await specialist.post(`/api/v1/records-files/${id}/documents`, {
      kind: 'incoming',
      documentId: notMine.id,
    });
    expect(hidden.status).to.equal(404);
    expect(JSON.stringify(hidden.body)).not.to.include('không giao cho chuyên viên');
    expect(await RecordsFileItem.count({ where: { recordsFileId: id } })).to.equal(2);

    // Not shared: the reader finds nothing. Shared to read: they see what they may open, and a
    // count of the rest, never its subject.
    expect((await reader.get(`/api/v1/records-files/${id}`)).status).to.equal(404);
    const share = await specialist.post(`/api/v1/records-files/${id}/members`, {
      userId: office.reader.id,
      canAdd: false,
    });
    expect(share.status, JSON.stringify(share.body)).to.equal(201);
    expect(share.body.members).to.deep.equal([
      { id: office.reader.id, name: office.reader.fullName, canAdd: false },
    ]);
    const seen = await reader.get(`/api/v1/records-files/${id}`);
    expect(seen.status).to.equal(200);
    expect(seen.body.documents.map((d: { documentId: number }) => d.documentId)).to.deep.equal([
      shared.id,
    ]);
    expect(seen.body.documents[0]).to.include({
      kind: 'incoming',
      href: `/api/v1/incoming/${shared.id}`,
      subject: 'Kế hoạch tổ chức hội nghị',
    });
    expect(seen.body.hiddenDocuments).to.equal(1);
    expect(JSON.stringify(seen.body)).not.to.include('Dự toán kinh phí');
    expect(seen.body.can).to.include({ manage: false, addDocuments: false });
    expect(
      await AuditLog.count({
        where: { action: 'records_file.view', entityId: String(id), userId: office.reader.id },
      }),
    ).to.equal(1);
    // Read-only: the reader may neither add nor take out.
    const readerAdds = await reader.post(`/api/v1/records-files/${id}/documents`, {
      kind: 'incoming',
      documentId: shared.id,
    });
    expect(readerAdds.status).to.equal(403);
    const item = seen.body.documents[0].itemId as number;
    expect((await reader.delete(`/api/v1/records-files/${id}/documents/${item}`)).status).to.equal(
      403,
    );

    // The list and its word filter (accents optional).
    const list = await reader.get(`/api/v1/records-files?q=${encodeURIComponent('hoi nghi')}`);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((f: { id: number }) => f.id)).to.include(id);
    expect(list.body.items.find((f: { id: number }) => f.id === id)).to.include({
      code: 'HN-01',
      documents: 2,
      keeper: office.specialist.fullName,
    });

    // Edit, then close: no more documents; a clerk records the transfer, the keeper may not.
    const edited = await specialist.put(
      `/api/v1/records-files/${id}`,
      body({ code: 'HN-01', title: 'Hồ sơ hội nghị tổng kết (đã sửa)', retention: 'permanent' }),
    );
    expect(edited.status, JSON.stringify(edited.body)).to.equal(200);
    expect(edited.body).to.include({ retentionYears: null });
    const closed = await specialist.post(`/api/v1/records-files/${id}/close`);
    expect(closed.status).to.equal(200);
    expect(closed.body.status).to.equal('closed');
    expect(closed.body.transferDueOn).to.be.a('string');
    const late = await specialist.post(`/api/v1/records-files/${id}/documents`, {
      kind: 'incoming',
      documentId: (await documentFor('Văn bản đến muộn', office.specialist)).id,
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.message).to.include('Hồ sơ đã kết thúc');
    expect((await specialist.post(`/api/v1/records-files/${id}/transfer`)).status).to.equal(403);
    const transferred = await clerk.post(`/api/v1/records-files/${id}/transfer`);
    expect(transferred.status).to.equal(200);
    expect(transferred.body.status).to.equal('transferred');
    expect(transferred.body.transferredBy).to.deep.equal({
      id: office.clerk.id,
      name: office.clerk.fullName,
    });
    const actions = (
      await AuditLog.findAll({ where: { entityType: 'records_file', entityId: String(id) } })
    ).map((a) => a.action);
    expect(actions).to.include.members([
      'records_file.create',
      'records_file.add_document',
      'records_file.share',
      'records_file.update',
      'records_file.close',
      'records_file.transfer',
    ]);
  });

  it('refuses bad input with Vietnamese messages per field, and saves nothing', async () => {
    const specialist = await as(office.specialist);
    const before = await RecordsFile.count();
    const refusals: Array<[Record<string, unknown>, string, RegExp]> = [
      [body({ code: '' }), 'code', /./],
      [body({ code: '<script>alert(1)</script>' }), 'code', /chữ, số/],
      [body({ code: ['a', 'b'] }), 'code', /./],
      [body({ title: { $gt: '' } }), 'title', /./],
      [body({ title: 'Đ'.repeat(100_000) }), 'title', /./],
      [body({ retention: 7 }), 'retention', /thời hạn bảo quản/],
      [body({ retention: 'mãi mãi' }), 'retention', /thời hạn bảo quản/],
      [body({ year: 'năm nay' }), 'year', /./],
      [body({ departmentId: office.reader.departmentId }), 'departmentId', /đơn vị mình/],
    ];
    for (const [input, field, message] of refusals) {
      const res = await specialist.post('/api/v1/records-files', input);
      const label = JSON.stringify(input).slice(0, 80);
      expect(res.status, label).to.equal(422);
      expect(res.body.error.fields?.[field], label).to.match(message);
      expect(JSON.stringify(res.body)).not.to.match(/at .*\.ts:\d+/);
    }
    const notJson = await request(ctx.app)
      .post('/api/v1/records-files')
      .set(
        'Authorization',
        `Bearer ${(await createAccessToken(office.specialist, 'x', { userId: office.specialist.id, ip: null })).token}`,
      )
      .set('Content-Type', 'application/json')
      .send('{"code": "HS-01", ');
    expect(notJson.status).to.equal(400);
    expect(await RecordsFile.count()).to.equal(before);

    // Made-up ids and kinds.
    const file = await specialist.post('/api/v1/records-files', body());
    const id = file.body.id as number;
    for (const path of ['/api/v1/records-files/abc', '/api/v1/records-files/99999999999']) {
      const res = await specialist.get(path);
      expect(res.status, path).to.equal(404);
      expect(res.body.error.message).to.equal(
        'Không tìm thấy hồ sơ, hoặc bạn không có quyền xem hồ sơ này.',
      );
    }
    for (const input of [
      { kind: 'meeting', documentId: 1 },
      { kind: 'incoming', documentId: -1 },
      { kind: 'incoming', documentId: '1 OR 1=1' },
      {},
    ]) {
      const res = await specialist.post(`/api/v1/records-files/${id}/documents`, input);
      expect(res.status, JSON.stringify(input)).to.equal(422);
    }
    expect(await RecordsFileItem.count({ where: { recordsFileId: id } })).to.equal(0);
    // Sharing with someone who is not of the agency, or with the keeper: refused.
    const stranger = await buildUser(await buildAgency(), ['specialist']);
    for (const userId of [stranger.id, office.specialist.id]) {
      const res = await specialist.post(`/api/v1/records-files/${id}/members`, { userId });
      expect(res.status).to.equal(422);
      expect(res.body.error.fields.userId).to.include('Chỉ chia sẻ hồ sơ');
    }
    expect(await RecordsFileMember.count({ where: { recordsFileId: id } })).to.equal(0);
  });

  it('finds nothing of another agency, and deletes only an empty open file', async () => {
    const specialist = await as(office.specialist);
    const foreign = await as(await buildUser(await buildAgency(), ['clerk']));
    const id = (await specialist.post('/api/v1/records-files', body())).body.id as number;
    for (const res of [
      await foreign.get(`/api/v1/records-files/${id}`),
      await foreign.post(`/api/v1/records-files/${id}/close`),
      await foreign.delete(`/api/v1/records-files/${id}`),
    ])
      expect(res.status).to.equal(404);
    const list = await foreign.get('/api/v1/records-files');
    expect(list.body.items.map((f: { id: number }) => f.id)).not.to.include(id);

    const doc = await documentFor('Văn bản giữ hồ sơ', office.specialist);
    await specialist.post(`/api/v1/records-files/${id}/documents`, {
      kind: 'incoming',
      documentId: doc.id,
    });
    const full = await specialist.delete(`/api/v1/records-files/${id}`);
    expect(full.status).to.equal(409);
    expect(full.body.error.message).to.include('Hồ sơ đã có văn bản');
    const itemId = (await RecordsFileItem.findOne({ where: { recordsFileId: id } }))!.id;
    expect(
      (await specialist.delete(`/api/v1/records-files/${id}/documents/${itemId}`)).status,
    ).to.equal(204);
    expect((await specialist.delete(`/api/v1/records-files/${id}`)).status).to.equal(204);
    expect(await RecordsFile.findByPk(id)).to.equal(null);
    // An administrator's role alone keeps no files.
    const admin = await as(await buildUser(office.agency, ['admin']));
    expect((await admin.get('/api/v1/records-files')).status).to.equal(403);
  });

  it('is described in openapi.json from the schema the route validates with', async () => {
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, never>>;
    expect(Object.keys(paths['/records-files']!)).to.have.members(['get', 'post']);
    expect(Object.keys(paths['/records-files/{id}']!)).to.have.members(['get', 'put', 'delete']);
    for (const p of ['close', 'reopen', 'transfer', 'documents', 'members'])
      expect(paths[`/records-files/{id}/${p}`], p).to.have.property('post');
    const schema = (
      paths['/records-files']!.post as {
        requestBody: { content: { 'application/json': { schema: Record<string, never> } } };
      }
    ).requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).to.have.members(Object.keys(RecordsFileSchema.shape));
    // What a client must send is said: the code's length, the retentions offered.
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props.code).to.include({ type: 'string', maxLength: 30 });
    const retention = JSON.stringify(props.retention);
    expect(retention).to.include('"permanent"').and.include('10');
  });
});
