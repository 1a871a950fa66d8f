import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { MeetingItem, MeetingParticipant } from '../../src/meetings/meeting.model.js';
import { MeetingEventRow, MeetingSpeech } from '../../src/meetings/meeting-live.model.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { publishMeetingEvent } from '../../src/meetings/meetings.events.js';
import { presenceOf } from '../../src/meetings/meetings.live.service.js';
import { checkInQrSvg, checkInUrlOf } from '../../src/meetings/meetings.live.state.js';
import { listSpeeches } from '../../src/meetings/meetings.speeches.service.js';
import { openStreamCount, STREAMS_PER_PERSON } from '../../src/meetings/meetings.live-stream.js';
import type { User } from '../../src/users/user.model.js';
import { csrfTokenOf, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { meetingEventOf, openSse, type SseStream } from '../helpers/sse-client.js';
import {
  buildLiveMeeting,
  buildLivePeople,
  tokenOf,
  type LiveMeeting,
  type LivePeople,
} from './meetings-live-fixtures.js';

describe('the meeting room live (check-in, running, speaking, event stream)', function () {
  this.timeout(30_000);
  let ctx: TestContext;
  let server: Server;
  let base: string;
  let people: LivePeople;
  const tokens = new Map<number, string>();
  const streams: SseStream[] = [];

  before(async () => {
    ctx = await testApp();
    server = ctx.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    people = await buildLivePeople();
    for (const user of Object.values(people)) {
      if ('username' in user) tokens.set(user.id, await tokenOf(user as User));
    }
  });

  afterEach(() => {
    for (const s of streams.splice(0)) s.close();
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const api = (user: User) => ({
    get: (path: string) =>
      request(ctx.app)
        .get(`/api/v1/meetings${path}`)
        .set('Authorization', `Bearer ${tokens.get(user.id)}`),
    post: (path: string, body: Record<string, unknown> = {}) =>
      request(ctx.app)
        .post(`/api/v1/meetings${path}`)
        .set('Authorization', `Bearer ${tokens.get(user.id)}`)
        .send(body),
  });

  const stream = async (user: User, m: LiveMeeting, lastEventId?: number) => {
    const s = await openSse(`${base}/api/v1/meetings/${m.meeting.id}/events`, {
      Authorization: `Bearer ${tokens.get(user.id)}`,
      ...(lastEventId !== undefined ? { 'Last-Event-ID': String(lastEventId) } : {}),
    });
    streams.push(s);
    return s;
  };
  const ofType = (type: string) => (e: { data: string }) =>
    meetingEventOf(e as never).type === type;

  it('the chair opens the meeting and moves the item; every stream follows, the uncleared see no secret item', async () => {
    const m = await buildLiveMeeting(people);
    const member = await stream(people.member, m);
    const uncleared = await stream(people.uncleared, m);
    const deputy = await stream(people.deputy, m);
    expect([member.status, uncleared.status, deputy.status]).to.deep.equal([200, 200, 200]);

    const opened = await api(people.chair).post(`/${m.meeting.id}/open`);
    expect(opened.status, opened.text).to.equal(200);
    expect(opened.body).to.include({ status: 'in_progress', currentItemId: m.items[0].id });
    const first = meetingEventOf(await member.waitFor(ofType('item.current')));
    expect(first.data).to.include({ itemId: m.items[0].id, title: m.items[0].title });

    const moved = await api(people.secretary).post(`/${m.meeting.id}/item`, { to: 'next' });
    expect(moved.status, moved.text).to.equal(200);
    const isSecond = (e: { data: string }) => {
      const ev = meetingEventOf(e as never);
      return ev.type === 'item.current' && ev.data.itemId === m.items[1].id;
    };
    const seen = meetingEventOf(await member.waitFor(isSecond));
    expect(seen.data.title).to.equal('Phương án nhân sự mật');
    expect(seen.data.documents).to.deep.equal([
      { id: (seen.data.documents as { id: number }[])[0].id, title: 'Tờ trình nhân sự' },
    ]);
    const hidden = await uncleared.waitFor(isSecond);
    expect(hidden.data).not.to.include('Phương án nhân sự mật');
    expect(hidden.data).not.to.include('Tờ trình nhân sự');
    expect(meetingEventOf(hidden).data).to.include({ confidential: true, position: 2 });
    const viaDeputy = await deputy.waitFor(isSecond);
    expect(viaDeputy.id).to.equal(hidden.id);
    expect(viaDeputy.data).not.to.include('nhân sự');

    // The items' statuses and the audit trail.
    const items = await MeetingItem.findAll({
      where: { meetingId: m.meeting.id },
      order: [['position', 'ASC']],
    });
    expect(items.map((i) => i.status)).to.deep.equal(['done', 'current']);
    expect(
      await AuditLog.count({ where: { action: 'meeting.item', entityId: String(m.meeting.id) } }),
    ).to.equal(1);

    // The live page of the uncleared shows no secret title either.
    const agent = (await loginAs(ctx.app, people.uncleared)).agent;
    const page = await agent.get(`/meetings/${m.meeting.id}/live`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Nội dung mật');
    expect(page.text).not.to.include('Phương án nhân sự mật');
    expect(page.text).not.to.include('Tờ trình nhân sự');
  });

  it('a client that reconnects catches up from its last event id (header or query), once each', async () => {
    const m = await buildLiveMeeting(people);
    await api(people.chair).post(`/${m.meeting.id}/open`).expect(200);
    const first = await MeetingEventRow.findOne({
      where: { meetingId: m.meeting.id },
      order: [['id', 'ASC']],
    });
    // Missed while away: the timer stopped and started, attendance changed.
    await api(people.chair).post(`/${m.meeting.id}/timer`, { action: 'stop' }).expect(200);
    await api(people.secretary)
      .post(`/${m.meeting.id}/attendance`, {
        participantId: m.participants.member.id,
        attendance: 'online',
      })
      .expect(200);
    const rows = await MeetingEventRow.findAll({
      where: { meetingId: m.meeting.id },
      order: [['id', 'ASC']],
    });
    const resumed = await stream(people.member, m, first!.id);
    const last = rows[rows.length - 1];
    await resumed.waitFor((e) => e.id === last.id);
    expect(resumed.events.map((e) => e.id)).to.deep.equal(rows.slice(1).map((r) => r.id));

    const byQuery = await openSse(
      `${base}/api/v1/meetings/${m.meeting.id}/events?lastEventId=${rows[rows.length - 2].id}`,
      { Authorization: `Bearer ${tokens.get(people.member.id)}` },
    );
    streams.push(byQuery);
    await byQuery.waitFor((e) => e.id === last.id);
    expect(byQuery.events.map((e) => e.id)).to.deep.equal([last.id]);

    // Then live: the next event arrives once.
    await api(people.chair).post(`/${m.meeting.id}/timer`, { action: 'start' }).expect(200);
    const live = await resumed.waitFor((e) => e.id! > last.id, 5000);
    expect(meetingEventOf(live).type).to.equal('timer.changed');
    const ids = resumed.events.map((e) => e.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('refuses the stream and the page to whoever may not see the meeting (404), and closes it when access is lost', async () => {
    const m = await buildLiveMeeting(people);
    for (const user of [people.outsider, people.foreign]) {
      const s = await stream(user, m);
      expect(s.status).to.equal(404);
      const res = await api(user).get(`/${m.meeting.id}/live`);
      expect(res.status).to.equal(404);
      expect(res.body.error.message).to.match(/Không tìm thấy cuộc họp/);
    }
    const bad = await api(people.member).get('/abc/events');
    expect(bad.status).to.equal(404);

    const s = await stream(people.uncleared, m);
    expect(s.status).to.equal(200);
    await MeetingParticipant.destroy({ where: { id: m.participants.uncleared.id } });
    await publishMeetingEvent({
      meetingId: m.meeting.id,
      type: 'participants.changed',
      data: {},
    });
    await s.waitFor((e) => e.event === 'closed');
    await s.ended;
    expect(openStreamCount(m.meeting.id)).to.be.at.most(streams.length - 1);
  });

  it('a closed meeting: its streams end after "meeting.closed" (no reconnecting: 204), its live page and room display say when it ended, with no current item nor timer', async () => {
    const m = await buildLiveMeeting(people);
    expect((await api(people.chair).post(`/${m.meeting.id}/open`)).status).to.equal(200);
    const member = await stream(people.member, m);
    const uncleared = await stream(people.uncleared, m);
    expect([member.status, uncleared.status]).to.deep.equal([200, 200]);
    const closed = await api(people.secretary).post(`/${m.meeting.id}/close`);
    expect(closed.status, closed.text).to.equal(200);
    await member.waitFor(ofType('meeting.closed'));
    await uncleared.waitFor(ofType('meeting.closed'));
    // The server ends them: no socket idles on to its lifetime, no loop of reconnections.
    await Promise.all([member.ended, uncleared.ended]);
    expect(openStreamCount(m.meeting.id)).to.equal(0);
    const again = await stream(people.member, m, 0);
    expect(again.status).to.equal(204);

    await m.meeting.reload();
    const closedAt = m.meeting.closedAt!;
    const vn = new Date(closedAt.getTime() + 7 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    const at = `${pad(vn.getUTCHours())}:${pad(vn.getUTCMinutes())} ${pad(vn.getUTCDate())}/${pad(vn.getUTCMonth() + 1)}/${vn.getUTCFullYear()}`;
    const state = await api(people.member).get(`/${m.meeting.id}/live`);
    expect(state.status).to.equal(200);
    expect(state.body.current).to.equal(null);
    expect(state.body.meeting).to.include({ status: 'closed', closedAt: closedAt.toISOString() });

    const agent = (await loginAs(ctx.app, people.member)).agent;
    const page = await agent.get(`/meetings/${m.meeting.id}/live`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('data-testid="meeting-ended"');
    expect(page.text).to.include(`Cuộc họp đã kết thúc lúc ${at}.`);
    for (const gone of [
      'Nội dung đang thảo luận',
      'id="live-timer"',
      'id="live-current"',
      'data-testid="connection"',
      'Báo cáo kinh tế - xã hội năm 2026</p>',
    ])
      expect(page.text, gone).not.to.include(gone);
    // The agenda stays, as discussed.
    expect(page.text).to.include('Đã thảo luận');
    const screen = await agent.get(`/meetings/${m.meeting.id}/screen`);
    expect(screen.status).to.equal(200);
    expect(screen.text).to.include(`Cuộc họp đã kết thúc lúc ${at}.`);
    expect(screen.text).not.to.include('id="live-timer"');
    expect(screen.text).not.to.include('id="live-connection"');
  });

  it('keeps at most STREAMS_PER_PERSON streams of one person open on a meeting: a newer one closes the oldest', async () => {
    const m = await buildLiveMeeting(people);
    const opened: SseStream[] = [];
    for (let i = 0; i < STREAMS_PER_PERSON + 3; i++) {
      const s = await stream(people.member, m);
      expect(s.status).to.equal(200);
      opened.push(s);
    }
    await Promise.all(opened.slice(0, 3).map((s) => s.ended));
    expect(openStreamCount(m.meeting.id)).to.equal(STREAMS_PER_PERSON);
    // Another person's stream is not affected by the member's.
    const chair = await stream(people.chair, m);
    expect(chair.status).to.equal(200);
    expect(openStreamCount(m.meeting.id)).to.equal(STREAMS_PER_PERSON + 1);
    // The newest streams still receive events.
    expect((await api(people.chair).post(`/${m.meeting.id}/open`)).status).to.equal(200);
    await opened[opened.length - 1].waitFor(ofType('item.current'), 5000);
  });

  it('checks an invitee in by the QR URL (present), a deputy for their invitee (deputy), nobody else', async () => {
    const m = await buildLiveMeeting(people);
    expect(checkInUrlOf(m.meeting)).to.match(
      new RegExp(`/meetings/checkin/${m.meeting.checkInToken}$`),
    );
    const svg = await checkInQrSvg(m.meeting);
    expect(svg).to.match(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    const url = `/meetings/checkin/${m.meeting.checkInToken}`;
    const member = (await loginAs(ctx.app, people.member)).agent;
    const res = await member.get(url);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(res.text).to.include('Đã điểm danh');
    expect((await MeetingParticipant.findByPk(m.participants.member.id))!.attendance).to.equal(
      'present',
    );
    expect((await member.get(url)).text).to.include('đã điểm danh cuộc họp');

    const viaApi = await api(people.deputy).post(`/checkin/${m.meeting.checkInToken}`);
    expect(viaApi.status, viaApi.text).to.equal(200);
    expect(viaApi.body).to.include({
      participantId: m.participants.absentee.id,
      attendance: 'deputy',
      already: false,
    });

    expect((await (await loginAs(ctx.app, people.outsider)).agent.get(url)).status).to.equal(404);
    expect((await api(people.foreign).post(`/checkin/${m.meeting.checkInToken}`)).status).to.equal(
      404,
    );
    expect((await api(people.member).post('/checkin/not-a-real-token-0000000')).status).to.equal(
      404,
    );
    // Signed out: the login form, then back here.
    const anonymous = await request(ctx.app).get(url);
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.location).to.equal(`/login?next=${encodeURIComponent(url)}`);

    const presence = await presenceOf(m.meeting.id);
    // Voting: the chair, member (weight 2), uncleared, absentee (through the deputy).
    expect(presence).to.include({
      totalVoting: 4,
      totalVotingWeight: 5,
      presentVoting: 2,
      presentVotingWeight: 3,
    });
    expect(
      presence.participants.find((p) => p.participantId === m.participants.member.id),
    ).to.deep.equal({
      participantId: m.participants.member.id,
      userId: people.member.id,
      attendance: 'present',
      isVoting: true,
      voteWeight: 2,
    });
  });

  it('the secretary checks people in by hand; an absence needs a reason; bad input is refused in Vietnamese', async () => {
    const m = await buildLiveMeeting(people);
    const secretary = api(people.secretary);
    const ok = await secretary.post(`/${m.meeting.id}/attendance`, {
      participantId: m.participants.uncleared.id,
      attendance: 'online',
    });
    expect(ok.status, ok.text).to.equal(200);
    const noReason = await secretary.post(`/${m.meeting.id}/attendance`, {
      participantId: m.participants.uncleared.id,
      attendance: 'absent',
    });
    expect(noReason.status).to.equal(422);
    expect(noReason.body.error.fields.reason).to.equal('Vui lòng ghi lý do vắng.');
    for (const body of [
      { participantId: 'x', attendance: 'present' },
      { participantId: m.participants.uncleared.id, attendance: 'sleeping' },
      { participantId: m.participants.uncleared.id, attendance: 'absent', reason: 'x'.repeat(501) },
      { participantId: [1, 2], attendance: 'present' },
    ]) {
      const res = await secretary.post(`/${m.meeting.id}/attendance`, body);
      expect(res.status, JSON.stringify(body)).to.equal(422);
    }
    const elsewhere = await buildLiveMeeting(people);
    const other = await secretary.post(`/${m.meeting.id}/attendance`, {
      participantId: elsewhere.participants.member.id,
      attendance: 'present',
    });
    expect(other.status).to.equal(404);
    const byMember = await api(people.member).post(`/${m.meeting.id}/attendance`, {
      participantId: m.participants.member.id,
      attendance: 'present',
    });
    expect(byMember.status).to.equal(403);
    const absent = await secretary.post(`/${m.meeting.id}/attendance`, {
      participantId: m.participants.uncleared.id,
      attendance: 'absent',
      reason: 'Đi công tác',
    });
    expect(absent.status).to.equal(200);
    const row = await MeetingParticipant.findByPk(m.participants.uncleared.id);
    expect([row!.attendance, row!.attendanceReason]).to.deep.equal(['absent', 'Đi công tác']);
  });

  it('the attendance table: an absence without a reason is refused by name (not "check the marked fields"); a reply "Vắng" to the invitation shows with its reason until the roll call', async () => {
    const m = await buildLiveMeeting(people);
    const rsvp = await api(people.uncleared).post(`/${m.meeting.id}/rsvp`, {
      answer: 'absent',
      reason: 'Đi công tác tỉnh',
    });
    expect(rsvp.status, rsvp.text).to.equal(200);
    const secretary = await loginAs(ctx.app, people.secretary);
    const live = await secretary.agent.get(`/meetings/${m.meeting.id}/live`);
    const pid = m.participants.uncleared.id;
    const row = new RegExp(`<tr data-participant-id="${pid}">[\\s\\S]*?</tr>`).exec(live.text)![0];
    expect(row).to.include(`data-testid="reported-absent-${pid}"`);
    expect(row).to.include('Đã báo vắng: Đi công tác tỉnh');
    // The reason is ready; the attendance itself is still the secretary's to confirm.
    expect(row).to.include(`id="reason-${pid}" name="reason" value="Đi công tác tỉnh"`);
    expect(row).to.match(/<option value="">Chưa điểm danh<\/option>/);
    expect(row).not.to.match(/<option value="absent" selected>/);
    const others = new RegExp(
      `<tr data-participant-id="${m.participants.member.id}">[\\s\\S]*?</tr>`,
    ).exec(live.text)![0];
    expect(others).not.to.include('Đã báo vắng');

    // From the page without JavaScript: the refusal names the reason.
    const csrf = csrfTokenOf(live.text);
    const noReason = await secretary.agent
      .post(`/meetings/${m.meeting.id}/attendance`)
      .type('form')
      .send({ _csrf: csrf, participantId: m.participants.member.id, attendance: 'absent' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.include('Vui lòng ghi lý do vắng.');
    expect(noReason.text).not.to.include('Dữ liệu nhập chưa hợp lệ');
    expect((await MeetingParticipant.findByPk(m.participants.member.id))!.attendance).to.equal(
      null,
    );
    // The reply confirmed as the absence: the note gives way to the attendance.
    const confirmed = await secretary.agent
      .post(`/meetings/${m.meeting.id}/attendance`)
      .type('form')
      .send({ _csrf: csrf, participantId: pid, attendance: 'absent', reason: 'Đi công tác tỉnh' });
    expect(confirmed.status).to.equal(303);
    const after = await secretary.agent.get(`/meetings/${m.meeting.id}/live`);
    expect(after.text).not.to.include(`data-testid="reported-absent-${pid}"`);
    expect(after.text).to.match(/<option value="absent" selected>Vắng<\/option>/);
  });

  it('speaking: ask once on the current item, withdraw, the chair gives the floor and ends it; the history has the seconds', async () => {
    const m = await buildLiveMeeting(people);
    const early = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(early.status).to.equal(403);
    await api(people.chair).post(`/${m.meeting.id}/open`).expect(200);
    const watch = await stream(people.uncleared, m);

    const asked = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(asked.status, asked.text).to.equal(200);
    const again = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(again.status).to.equal(409);
    expect(again.body.error.message).to.match(/đã đăng ký phát biểu/);
    const queued = meetingEventOf(await watch.waitFor(ofType('speech.queued')));
    expect(queued.data.queue).to.have.length(1);
    expect((queued.data.queue as { name: string }[])[0].name).to.equal('Thành viên Trần An');

    const deputyAsk = await api(people.deputy).post(`/${m.meeting.id}/speeches`);
    expect(deputyAsk.status).to.equal(200);
    const withdrawn = await api(people.deputy).post(
      `/${m.meeting.id}/speeches/${deputyAsk.body.speechId}/withdraw`,
    );
    expect(withdrawn.status).to.equal(200);
    expect(
      (await api(people.member).post(`/${m.meeting.id}/speeches/${asked.body.speechId}/grant`))
        .status,
    ).to.equal(403);
    expect((await api(people.outsider).post(`/${m.meeting.id}/speeches`)).status).to.equal(404);
    const badMinutes = await api(people.chair).post(
      `/${m.meeting.id}/speeches/${asked.body.speechId}/grant`,
      { minutes: 'ba' },
    );
    expect(badMinutes.status).to.equal(422);

    const granted = await api(people.chair).post(
      `/${m.meeting.id}/speeches/${asked.body.speechId}/grant`,
      { minutes: 2 },
    );
    expect(granted.status, granted.text).to.equal(200);
    expect(granted.body).to.include({ status: 'speaking', allottedSeconds: 120 });
    const started = meetingEventOf(await watch.waitFor(ofType('speech.started')));
    expect(started.data.speaking).to.include({ name: 'Thành viên Trần An', allottedSeconds: 120 });

    await MeetingSpeech.update(
      { startedAt: new Date(Date.now() - 95_000) },
      { where: { id: asked.body.speechId } },
    );
    const ended = await api(people.secretary).post(
      `/${m.meeting.id}/speeches/${asked.body.speechId}/end`,
    );
    expect(ended.status).to.equal(200);
    const history = await listSpeeches(m.meeting.id);
    expect(history).to.have.length(1);
    expect(history[0]).to.include({
      itemId: m.items[0].id,
      itemTitle: m.items[0].title,
      speakerName: 'Thành viên Trần An',
    });
    expect(history[0].seconds).to.be.within(94, 100);
    const viaApi = await api(people.member).get(`/${m.meeting.id}/speeches`);
    expect(viaApi.body.speeches).to.have.length(1);
    // Asking again after speaking is fine.
    expect((await api(people.member).post(`/${m.meeting.id}/speeches`)).status).to.equal(200);
  });

  it('a request to speak not heard on an item ends when the chair moves on: the member asks again on the next item', async () => {
    const m = await buildLiveMeeting(people);
    await api(people.chair).post(`/${m.meeting.id}/open`).expect(200);
    const first = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(first.status, first.text).to.equal(200);
    await api(people.chair).post(`/${m.meeting.id}/item`, { to: 'next' }).expect(200);
    expect((await MeetingSpeech.findByPk(first.body.speechId))!.status).to.equal('declined');
    const stale = await api(people.chair).post(
      `/${m.meeting.id}/speeches/${first.body.speechId}/grant`,
    );
    expect(stale.status).to.equal(409);
    const again = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(again.status, again.text).to.equal(200);
    expect((await MeetingSpeech.findByPk(again.body.speechId))!.itemId).to.equal(m.items[1].id);
    const live = await api(people.member).get(`/${m.meeting.id}/live`);
    expect(live.body.me).to.include({ speechId: again.body.speechId, speechStatus: 'queued' });
  });

  it('the speech history names a secret item only to those cleared for it; every view of the room is audited', async () => {
    const m = await buildLiveMeeting(people);
    await api(people.chair).post(`/${m.meeting.id}/open`).expect(200);
    await api(people.chair).post(`/${m.meeting.id}/item`, { to: 'next' }).expect(200);
    const asked = await api(people.member).post(`/${m.meeting.id}/speeches`);
    expect(asked.status, asked.text).to.equal(200);
    await api(people.chair)
      .post(`/${m.meeting.id}/speeches/${asked.body.speechId}/grant`)
      .expect(200);
    const titles = async (user: User) =>
      (
        (await api(user).get(`/${m.meeting.id}/speeches`)).body.speeches as { itemTitle: string }[]
      ).map((s) => s.itemTitle);
    expect(await titles(people.member)).to.deep.equal(['Phương án nhân sự mật']);
    expect(await titles(people.uncleared)).to.deep.equal(['']);

    const before = await AuditLog.count({
      where: {
        action: 'meeting.view',
        entityId: String(m.meeting.id),
        userId: people.uncleared.id,
      },
    });
    for (const path of ['/live', '/presence', '/votes']) {
      expect((await api(people.uncleared).get(`/${m.meeting.id}${path}`)).status, path).to.equal(
        200,
      );
    }
    const session = await loginAs(ctx.app, people.uncleared);
    for (const path of ['live', 'screen', 'votes'])
      expect((await session.agent.get(`/meetings/${m.meeting.id}/${path}`)).status, path).to.equal(
        200,
      );
    const rows = await AuditLog.findAll({
      where: {
        action: 'meeting.view',
        entityId: String(m.meeting.id),
        userId: people.uncleared.id,
      },
      order: [['id', 'ASC']],
    });
    // speeches (above), then live, presence, votes by the API and live, screen, votes as pages.
    expect(rows.length - before).to.equal(6);
    expect(rows.map((r) => JSON.parse(r.details ?? '{}').page)).to.deep.equal([
      'speeches',
      'live',
      'presence',
      'votes',
      'live',
      'screen',
      'votes',
    ]);
  });

  it('an event published in a transaction is logged before it commits (awaited or not) and rolls back with it', async () => {
    const m = await buildLiveMeeting(people);
    const count = (type: string) =>
      MeetingEventRow.count({ where: { meetingId: m.meeting.id, type } });
    await withTransaction(db(), undefined, async (transaction) => {
      void publishMeetingEvent(
        { meetingId: m.meeting.id, type: 'test.unawaited', data: {} },
        { transaction },
      );
    });
    expect(await count('test.unawaited')).to.equal(1);
    const failed = await withTransaction(db(), undefined, async (transaction) => {
      await publishMeetingEvent(
        { meetingId: m.meeting.id, type: 'test.rolled_back', data: {} },
        { transaction },
      );
      throw new Error('the change fails');
    }).catch((err: Error) => err.message);
    expect(failed).to.equal('the change fails');
    expect(await count('test.rolled_back')).to.equal(0);
  });

  it('a running count (".progress") reaches the streams as its latest value, never after what follows it', async () => {
    const m = await buildLiveMeeting(people);
    const s = await stream(people.member, m);
    const ids: number[] = [];
    for (let cast = 1; cast <= 6; cast++)
      ids.push(
        (
          await publishMeetingEvent({
            meetingId: m.meeting.id,
            type: 'test.progress',
            data: { cast },
          })
        ).id,
      );
    const after = await publishMeetingEvent({
      meetingId: m.meeting.id,
      type: 'test.closed',
      data: {},
    });
    await s.waitFor((e) => e.id === after.id);
    const got = s.events.map((e) => e.id ?? 0);
    expect(got[0]).to.equal(ids[0]);
    expect(got[got.length - 1]).to.equal(after.id);
    // The latest count arrives, and before the event that followed it.
    expect(got.indexOf(ids[5])).to.be.within(1, got.length - 2);
    expect(got).to.deep.equal([...got].sort((a, b) => a - b));
    expect(await MeetingEventRow.count({ where: { meetingId: m.meeting.id } })).to.equal(7);
  });

  it('the pages: live page for an invitee, room display with the QR code, forms post and come back', async () => {
    const m = await buildLiveMeeting(people);
    const chair = await loginAs(ctx.app, people.chair);
    const live = await chair.agent.get(`/meetings/${m.meeting.id}/live`);
    expect(live.status).to.equal(200);
    expect(live.text).to.include('Khai mạc cuộc họp');
    const csrf = csrfTokenOf(live.text);
    const open = await chair.agent
      .post(`/meetings/${m.meeting.id}/open`)
      .type('form')
      .send({ _csrf: csrf });
    expect(open.status).to.equal(303);
    expect(open.headers.location).to.equal(`/meetings/${m.meeting.id}/live`);
    const twice = await chair.agent
      .post(`/meetings/${m.meeting.id}/open`)
      .type('form')
      .send({ _csrf: csrf });
    // Refused: the live page again with the 409 and the reason, not a redirect.
    expect(twice.status).to.equal(409);
    expect(twice.text).to.include('Chỉ khai mạc được cuộc họp đã phát hành');
    expect(twice.text).to.include('Báo cáo kinh tế - xã hội năm 2026');
    const after = await chair.agent.get(`/meetings/${m.meeting.id}/live`);
    expect(after.text, 'the reason is not shown twice').not.to.include(
      'Chỉ khai mạc được cuộc họp đã phát hành',
    );

    const screen = await chair.agent.get(`/meetings/${m.meeting.id}/screen`);
    expect(screen.status).to.equal(200);
    expect(screen.text).to.include('<svg');
    expect(screen.text).to.include('meeting-screen');
    expect(screen.text).not.to.include('name="_csrf"');

    const outsider = (await loginAs(ctx.app, people.outsider)).agent;
    expect((await outsider.get(`/meetings/${m.meeting.id}/live`)).status).to.equal(404);
    expect((await outsider.get(`/meetings/${m.meeting.id}/screen`)).status).to.equal(404);
    expect((await outsider.get(`/meetings/99999999999/live`)).status).to.equal(404);
  });
});
