import { expect } from 'chai';
import request from 'supertest';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { incomingFields, postForm, signIn, type Actor } from './incoming-helpers.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { Meeting, MeetingRoom } from '../../src/meetings/meeting.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import type { Agency } from '../../src/agencies/agency.model.js';
import type { User } from '../../src/users/user.model.js';

/**
 * An "already exists" warning names only what the person may see: a clerk without clearance is
 * told that a document with these details may exist, never which (no number, date or link), and
 * an organiser sees a room taken by a meeting hidden from them without its title.
 */
describe('duplicate warnings reveal nothing the person may not see', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let agency: Agency;
  let cleared: Actor;
  let uncleared: Actor;
  let unclearedToken: string;
  let clearedToken: string;
  let pdf: Buffer;

  before(async () => {
    ctx = await testApp();
    agency = await buildAgency();
    cleared = await signIn(ctx.app, await buildUser(agency, ['clerk'], { secretClearance: 2 }));
    uncleared = await signIn(ctx.app, await buildUser(agency, ['clerk'], { secretClearance: 0 }));
    const token = async (user: User) =>
      (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token;
    unclearedToken = await token(uncleared.user);
    clearedToken = await token(cleared.user);
    pdf = await makePdf(1);
  });

  const registerAs = (user: User, fields: Record<string, string>) =>
    registerIncoming(
      RegisterIncomingSchema.parse(fields),
      [{ buffer: pdf, originalName: 'vb.pdf' }],
      { user, ip: '127.0.0.1' },
    );

  const postIncoming = (actor: Actor, fields: Record<string, string>) => {
    let req = actor.session.agent.post(`/incoming?_csrf=${encodeURIComponent(actor.token)}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('files', pdf, { filename: 'b.pdf', contentType: 'application/pdf' });
  };

  const postApi = (token: string, fields: Record<string, string>) => {
    let req = request(ctx.app).post('/api/v1/incoming').set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', pdf, 'b.pdf');
  };

  it('tells a clerk without clearance only that a secret duplicate may exist, on the form and the API', async () => {
    const fields = incomingFields({ codeNotation: 'SYT-VP' });
    const secret = await registerAs(cleared.user, { ...fields, confidentiality: '1' });
    const count = () => IncomingDocument.count({ where: { agencyId: agency.id } });
    const before = await count();

    const page = await postIncoming(uncleared, fields);
    expect(page.status).to.equal(409);
    expect(page.text)
      .to.contain('data-testid="duplicate-warning"')
      .and.contain('data-testid="duplicate-hidden"')
      .and.contain('mà bạn không được xem')
      .and.contain('name="confirmDuplicate"')
      // The warning says where to confirm, and links to the box.
      .and.contain('href="#confirmDuplicate"')
      .and.contain('id="confirmDuplicate"');
    // Nothing that identifies it: no link, no arrival number, no date.
    expect(page.text).to.not.contain(`/incoming/${secret.id}`);
    expect(page.text).to.not.contain('Đã có văn bản cùng số, ký hiệu và nơi gửi:');
    expect(page.text).to.not.match(/Số đến \d+ ngày/);

    // The API answers as it does for a duplicate the person may see: the same code and message.
    const hidden = await postApi(unclearedToken, fields);
    const seen = await postApi(clearedToken, fields);
    expect(hidden.status).to.equal(409);
    expect(hidden.body).to.deep.equal(seen.body);
    expect(hidden.body.error.code).to.equal('DUPLICATE_SUSPECTED');
    expect(await count()).to.equal(before);

    // Whoever keeps the secret register can find out who was warned about the document.
    const audits = await AuditLog.findAll({
      where: { action: 'incoming.duplicate_hidden', userId: uncleared.user.id },
    });
    expect(audits.map((a) => Number(a.entityId))).to.deep.equal([secret.id, secret.id]);
    // The cleared clerk sees the document itself, named and linked.
    const named = await postIncoming(cleared, fields);
    expect(named.status).to.equal(409);
    expect(named.text)
      .to.contain(`href="/incoming/${secret.id}"`)
      .and.not.contain('data-testid="duplicate-hidden"');
  });

  it('names the duplicates the clerk may see and says only "maybe others" of the rest', async () => {
    const fields = incomingFields({ codeNotation: 'TB-SNV' });
    const open = await registerAs(cleared.user, { ...fields, confidentiality: '0' });
    const secret = await registerAs(cleared.user, {
      ...fields,
      confidentiality: '2',
      confirmDuplicate: 'true',
    });
    const page = await postIncoming(uncleared, fields);
    expect(page.status).to.equal(409);
    expect(page.text)
      .to.contain(`href="/incoming/${open.id}"`)
      .and.contain('data-testid="duplicate-hidden"')
      .and.not.contain(`/incoming/${secret.id}"`);
    // No duplicate at all: registered (the hidden line is not a constant).
    const fresh = await postApi(unclearedToken, incomingFields({ codeNotation: 'XX-YY' }));
    expect(fresh.status, fresh.text).to.equal(201);
  });

  it('shows a room taken by a meeting hidden from the organiser without its title or link', async () => {
    const room = await MeetingRoom.create({ agencyId: agency.id, name: `Phòng ${agency.id}` });
    const leader = await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Bình' });
    const vnTime = (hour: number) => {
      const d = new Date(Date.now() + 9 * 86_400_000 + 7 * 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(hour)}:00`;
    };
    const meeting = (actor: Actor, title: string) => ({
      title,
      kind: 'chuyen_de',
      chairId: String(leader.id),
      secretaryId: String(actor.user.id),
      startsAt: vnTime(8),
      endsAt: vnTime(10),
      roomId: String(room.id),
    });
    // A draft of the cleared clerk: nobody else sees it yet.
    const first = await postForm(cleared, '/meetings', meeting(cleared, 'Họp kín về nhân sự'));
    expect(first.status, first.text.slice(0, 300)).to.equal(303);
    const draftId = Number(/\/meetings\/(\d+)/.exec(first.headers.location)![1]);

    const warned = await postForm(uncleared, '/meetings', meeting(uncleared, 'Giao ban'));
    expect(warned.status).to.equal(409);
    expect(warned.text)
      .to.contain('data-testid="room-clash"')
      .and.contain('Một cuộc họp khác')
      .and.not.contain('Họp kín về nhân sự')
      .and.not.contain(`/meetings/${draftId}"`);
    const api = await request(ctx.app)
      .post('/api/v1/meetings')
      .set('Authorization', `Bearer ${unclearedToken}`)
      .send({ ...meeting(uncleared, 'Giao ban'), chairId: leader.id, roomId: room.id });
    expect(api.status, api.text).to.equal(201);
    expect(api.body.clashes).to.have.length(1);
    expect(api.body.clashes[0]).to.include({ id: null, title: null });
    // Its organiser sees it named.
    const mine = await postForm(cleared, '/meetings', meeting(cleared, 'Họp thứ hai'));
    expect(mine.text).to.contain('Họp kín về nhân sự');
    expect(await Meeting.count({ where: { title: 'Giao ban' } })).to.equal(1);
  });
});
