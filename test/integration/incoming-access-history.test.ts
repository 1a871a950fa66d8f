import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { changeCount } from '../../src/audit/audit.service.js';
import { DocumentGrant } from '../../src/documents/document.model.js';
import { DocumentFile } from '../../src/files/file.model.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import {
  buildOffice,
  postForm,
  registerThroughForm,
  signInAll,
  type Actor,
} from './incoming-helpers.js';

interface Row {
  parts: string;
  views: number;
  downloads: number;
  notOpened: boolean;
}

/** The access history page's rows, by user id. */
async function historyOf(actor: Actor, id: number): Promise<Map<number, Row>> {
  const res = await actor.session.agent.get(`/incoming/${id}/access`);
  expect(res.status, res.text.slice(0, 300)).to.equal(200);
  const rows = new Map<number, Row>();
  for (const [, userId, cells] of res.text.matchAll(/<tr data-user-id="(\d+)">([\s\S]*?)<\/tr>/g)) {
    const td = [...cells.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    rows.set(Number(userId), {
      parts: td[1],
      views: Number(td[2]),
      downloads: Number(td[3]),
      notOpened: td[4].includes('data-testid="not-opened"'),
    });
  }
  return rows;
}

describe('access history of an incoming document', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows who opened it and its files, and who in the handling has not yet', async () => {
    const office = await buildOffice();
    const [clerk, leader, supporter, outsider] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.supporter,
      office.specialist,
    ]);
    const id = await registerThroughForm(clerk, { subject: 'Ai đã xem văn bản này' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    const directed = await postForm(leader, `/incoming/${id}/direct`, {
      lead: `d:${office.department.id}`,
      support: [`u:${office.supporter.id}`],
      info: [`u:${office.reader.id}`],
    });
    expect(directed.status).to.equal(303);

    for (let i = 0; i < 2; i++)
      expect((await leader.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    expect((await supporter.session.agent.get(`/incoming/${id}`)).status).to.equal(200);
    const file = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: id },
    });
    const download = await supporter.session.agent.get(
      `/incoming/${id}/files/${file!.id}?download=1`,
    );
    expect(download.status).to.equal(200);

    const detail = await clerk.session.agent.get(`/incoming/${id}`);
    expect(detail.text).to.contain(`href="/incoming/${id}/access"`);
    const changesBefore = await changeCount();
    const rows = await historyOf(clerk, id);
    expect(rows.get(office.leader.id)).to.deep.include({
      views: 2,
      downloads: 0,
      notOpened: false,
    });
    expect(rows.get(office.leader.id)!.parts).to.equal('Lãnh đạo được trình, Người giao việc');
    expect(rows.get(office.supporter.id)).to.deep.equal({
      parts: 'Phối hợp',
      views: 1,
      downloads: 1,
      notOpened: false,
    });
    // The clerk's own view of the detail page above counts; the department head (for the lead
    // department) and the info-only reader have not opened it.
    expect(rows.get(office.clerk.id)).to.deep.include({ parts: 'Văn thư vào sổ', views: 1 });
    expect(rows.get(office.deptHead.id)).to.deep.equal({
      parts: 'Chủ trì',
      views: 0,
      downloads: 0,
      notOpened: true,
    });
    expect(rows.get(office.reader.id)).to.deep.include({ parts: 'Để biết', notOpened: true });
    expect(rows.has(office.specialist.id), 'not in the handling, never opened it').to.equal(false);
    // The order: the registering clerk, the leader, then the handlers.
    expect([...rows.keys()].slice(0, 2)).to.deep.equal([office.clerk.id, office.leader.id]);

    // Reading the history is recorded, and is not a change (kept lists stay kept).
    const recorded = await AuditLog.findOne({
      where: {
        action: 'incoming.access_history.view',
        userId: office.clerk.id,
        entityId: String(id),
      },
    });
    expect(recorded).to.not.equal(null);
    expect(await changeCount()).to.equal(changesBefore);

    // Someone who may not see the document is not told it exists.
    const hidden = await outsider.session.agent.get(`/incoming/${id}/access`);
    expect(hidden.status).to.equal(404);
    expect(hidden.text).to.not.contain('Ai đã xem văn bản này');
  });

  it('is not for a reader who was only granted a secret document', async () => {
    const office = await buildOffice();
    const [clerk, reader] = await signInAll(ctx, [office.clerk, office.reader]);
    const id = await registerThroughForm(clerk, { confidentiality: '1', subject: 'Tài liệu mật' });
    await DocumentGrant.create({
      documentKind: 'incoming',
      documentId: id,
      userId: office.reader.id,
      grantedById: office.leader.id,
    });
    const detail = await reader.session.agent.get(`/incoming/${id}`);
    expect(detail.status).to.equal(200);
    expect(detail.text).to.not.contain(`/incoming/${id}/access`);
    const refused = await reader.session.agent.get(`/incoming/${id}/access`);
    expect(refused.status).to.equal(403);
    expect(refused.text).to.match(/không có quyền/i);
    // The clerk sees the reader's view, marked as granted.
    const rows = await historyOf(clerk, id);
    expect(rows.get(office.reader.id)).to.deep.include({ parts: 'Được cấp quyền xem', views: 1 });
  });

  it('reads in English too', async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk);
    await postForm(clerk, '/language', { lng: 'en', back: `/incoming/${id}/access` });
    const page = await clerk.session.agent.get(`/incoming/${id}/access`);
    expect(page.text).to.contain('<h1>Access history</h1>').and.contain('Registering clerk');
    expect(page.text).to.contain('Not opened');
  });
});
