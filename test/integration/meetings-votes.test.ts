import { expect } from 'chai';
import type { Express } from 'express';
import { Op, QueryTypes } from 'sequelize';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { describeAuditRows } from '../../src/audit/audit-describe.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { db } from '../../src/db/index.js';
import { dialectOf } from '../../src/db/sequelize.js';
import { MeetingEventRow } from '../../src/meetings/meeting-live.model.js';
import {
  MeetingVote,
  MeetingVoteBallot,
  MeetingVoteVoter,
} from '../../src/meetings/meeting-vote.model.js';
import { listVoteResults } from '../../src/meetings/meetings.votes.service.js';
import { closeExpiredVotes } from '../../src/meetings/meetings.votes.deadline.js';
import { readableNotifications } from '../../src/notifications/notification.service.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { addParticipant, buildMeeting } from './meetings-votes-fixtures.js';

describe('Meeting votes (biểu quyết)', function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let app: Express;
  let agency: Agency;
  const tokens = new Map<number, string>();

  const tokenOf = async (user: User) => {
    if (!tokens.has(user.id)) {
      const { token } = await createAccessToken(user, 'votes', { userId: user.id, ip: null });
      tokens.set(user.id, token);
    }
    return tokens.get(user.id)!;
  };
  const post = async (user: User, path: string, body: Record<string, unknown> = {}) =>
    request(app)
      .post(`/api/v1/meetings${path}`)
      .set('Authorization', `Bearer ${await tokenOf(user)}`)
      .send(body);
  const get = async (user: User, path: string) =>
    request(app)
      .get(`/api/v1/meetings${path}`)
      .set('Authorization', `Bearer ${await tokenOf(user)}`);

  /** A meeting in progress: chair, secretary, `n` voting members present, one absent. */
  async function room(n = 3, status: 'in_progress' | 'published' = 'in_progress') {
    const chair = await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Trần Bình' });
    const secretary = await buildUser(agency, ['clerk'], { fullName: 'Thư ký Lê Thu' });
    const { meeting, item } = await buildMeeting(agency, chair, secretary, status);
    const members: User[] = [];
    for (let i = 0; i < n; i++) {
      const user = await buildUser(agency, ['specialist'], { fullName: `Thành viên ${i + 1}` });
      await addParticipant(meeting, user, { attendance: 'present' });
      members.push(user);
    }
    const absent = await buildUser(agency, ['specialist'], { fullName: 'Thành viên vắng' });
    const absentRow = await addParticipant(meeting, absent, { attendance: 'absent' });
    return { chair, secretary, meeting, item, members, absent, absentRow };
  }

  before(async () => {
    ctx = await testApp();
    app = ctx.app;
    agency = await buildAgency();
  });

  it('a named vote opened and cast from the pages passes with the rule applied and its sentence', async () => {
    const r = await room(3);
    const chair = await loginAs(app, r.chair);
    const opened = await chair.agent
      .post(`/meetings/${r.meeting.id}/votes`)
      .type('form')
      .send({
        _csrf: await chair.csrf(),
        question: 'Thông qua tờ trình kế hoạch đầu tư công?',
        itemId: String(r.item.id),
        quorumRule: 'more_than_half',
        majorityRule: 'half_all',
      });
    expect(opened.status, opened.text).to.equal(303);
    const vote = await MeetingVote.findOne({ where: { meetingId: r.meeting.id } });
    expect(vote!.options).to.deep.equal(['Đồng ý', 'Không đồng ý', 'Không biểu quyết']);
    expect(vote!.presence.map((e) => e.present)).to.deep.equal([true, true, true, false]);
    expect(opened.headers.location).to.equal(`/meetings/${r.meeting.id}/votes/${vote!.id}`);

    const page = await chair.agent.get(opened.headers.location);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Thông qua tờ trình kế hoạch đầu tư công?');

    // The live page carries the panel; its script fills it with the open vote's big buttons.
    const first = await loginAs(app, r.members[0]);
    const live = await first.agent.get(`/meetings/${r.meeting.id}/live`);
    expect(live.status).to.equal(200);
    expect(live.text).to.include(`data-panel-url="/meetings/${r.meeting.id}/votes/panel"`);
    expect(live.text).to.include('/public/js/meeting-votes.js');
    const panel = await first.agent.get(`/meetings/${r.meeting.id}/votes/panel`);
    expect(panel.status).to.equal(200);
    expect(panel.text).to.include('Thông qua tờ trình kế hoạch đầu tư công?');
    expect(panel.text).to.include('data-testid="option-2"');
    expect(panel.text).to.include('Đã biểu quyết: 0/3');
    expect(panel.text).not.to.include('<html');

    for (const [i, member] of r.members.entries()) {
      const s = await loginAs(app, member);
      const own = await s.agent.get(`/meetings/${r.meeting.id}/votes/${vote!.id}`);
      expect(own.text).to.include(`data-testid="option-0"`);
      const cast = await s.agent
        .post(`/meetings/${r.meeting.id}/votes/${vote!.id}/ballots`)
        .type('form')
        .send({ _csrf: await s.csrf(), option: i < 2 ? '0' : '1' });
      expect(cast.status, cast.text).to.equal(201);
      expect(cast.text).to.include('Đã ghi nhận phiếu của bạn.');
      expect(cast.text).not.to.include('data-testid="receipt"');
    }
    const closed = await chair.agent
      .post(`/meetings/${r.meeting.id}/votes/${vote!.id}/close`)
      .type('form')
      .send({ _csrf: await chair.csrf() });
    expect(closed.status).to.equal(303);
    const result = await chair.agent.get(`/meetings/${r.meeting.id}/votes/${vote!.id}`);
    // 4 voting members (one absent), 2 in favour: exactly half is not more than half.
    expect(result.text).to.include(
      'Không thông qua: 2/4 thành viên đồng ý, chưa đạt trên 1/2 tổng số',
    );
    expect(result.text).to.include('data-testid="named-votes"');
    expect(result.text).to.include('Thành viên 3');

    const en = await get(r.members[0], `/${r.meeting.id}/votes/${vote!.id}`);
    expect(en.body.result.sentence).to.match(/^Không thông qua/);
    const english = await request(app)
      .get(`/api/v1/meetings/${r.meeting.id}/votes/${vote!.id}`)
      .set('Authorization', `Bearer ${await tokenOf(r.members[0])}`)
      .set('Accept-Language', 'en');
    expect(english.body.result.sentence).to.equal(
      'Not passed: 2/4 members in favour, short of more than 1/2 of all members',
    );

    // The log keeps the counts and the rules, no sentence in one language: its reader's page
    // says the result in theirs.
    const closeRow = await AuditLog.findOne({
      where: { action: 'meeting.vote.close', entityId: String(r.meeting.id) },
      order: [['id', 'DESC']],
    });
    const closeDetails = JSON.parse(closeRow!.details!) as Record<string, unknown>;
    expect(closeDetails).to.not.have.property('sentence');
    expect(closeDetails).to.include({
      quorumRule: 'more_than_half',
      majorityRule: 'half_all',
      mode: 'room',
    });
    const [viRow, enRow] = await Promise.all(
      ['vi', 'en'].map(async (lng) => (await describeAuditRows([closeRow!], lng))[0]!),
    );
    expect(viRow.details).to.deep.include({
      label: 'Kết quả',
      value: 'Không thông qua: 2/4 thành viên đồng ý, chưa đạt trên 1/2 tổng số',
    });
    expect(enRow.details).to.deep.include({
      label: 'Result',
      value: 'Not passed: 2/4 members in favour, short of more than 1/2 of all members',
    });

    const events = await MeetingEventRow.findAll({
      where: { meetingId: r.meeting.id },
      order: [['id', 'ASC']],
    });
    expect(events.map((e) => e.type)).to.deep.equal([
      'vote.opened',
      'vote.progress',
      'vote.progress',
      'vote.progress',
      'vote.closed',
    ]);
    expect(events[3].data).to.deep.equal({ voteId: vote!.id, cast: 3, eligible: 3 });
    const closedEvent = events[4].data as { sentence: { vi: string }; resultText: string };
    expect(closedEvent.sentence.vi).to.match(/^Không thông qua: 2\/4/);
    // What the room display shows (live-screen): the sentence and the weight of each option.
    expect(closedEvent).to.include({ resultText: closedEvent.sentence.vi });
    expect(events[4].data).to.deep.include({ counts: [2, 1, 0] });
  });

  it('a secret ballot cannot be linked to its voter; each voter checks their receipt in the published list', async () => {
    const r = await room(3);
    const opened = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Bầu Phó Chủ tịch (phiếu kín)',
      secret: true,
      majorityRule: 'half_cast',
    });
    expect(opened.status, opened.text).to.equal(201);
    const voteId = opened.body.voteId as number;
    const receipts: { user: User; option: number; receipt: string }[] = [];
    for (const [i, member] of r.members.entries()) {
      const option = i === 2 ? 1 : 0;
      const cast = await post(member, `/${r.meeting.id}/votes/${voteId}/ballots`, { option });
      expect(cast.status, cast.text).to.equal(201);
      expect(cast.body.receipt).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(cast.body.option).to.equal(null);
      receipts.push({ user: member, option, receipt: cast.body.receipt });
    }

    const ballots = await MeetingVoteBallot.findAll({ where: { voteId } });
    expect(ballots).to.have.length(3);
    for (const b of ballots) {
      expect(b.participantId).to.equal(null);
      expect(b.id).to.match(/^[0-9a-f]{32}$/);
    }
    const columns = Object.keys(
      await db().getQueryInterface().describeTable('meeting_vote_ballots'),
    );
    expect(columns.sort()).to.deep.equal(
      ['id', 'optionIndex', 'participantId', 'receiptCode', 'voteId', 'weight'].sort(),
    );
    if (ctx.dialect === 'sqlite') {
      // No rowid whose order would follow the voters' rows.
      let failed = false;
      await db()
        .query('SELECT rowid FROM meeting_vote_ballots')
        .catch(() => {
          failed = true;
        });
      expect(failed, 'meeting_vote_ballots has a rowid').to.equal(true);
    }
    expect(await MeetingVoteVoter.count({ where: { voteId } })).to.equal(3);

    // The log says who voted, never how, nor which ballot or receipt is theirs.
    // By voter too: a migration test of the same run may have given this vote id out before.
    const audit = await AuditLog.findAll({
      where: {
        action: 'meeting.vote.cast',
        entityId: String(voteId),
        userId: r.members.map((m) => m.id),
      },
      order: [['id', 'ASC']],
    });
    expect(audit).to.have.length(3);
    for (const row of audit) {
      const details = JSON.parse(row.details!);
      expect(Object.keys(details).sort()).to.deep.equal(['channel', 'meetingId', 'participantId']);
    }
    const everything = await AuditLog.findAll({ where: { id: { [Op.gte]: audit[0].id } } });
    const text = everything.map((a) => `${a.details ?? ''} ${a.entityId ?? ''}`).join('\n');
    for (const b of ballots) {
      expect(text).not.to.include(b.id);
      expect(text).not.to.include(b.receiptCode!);
    }
    const progress = await MeetingEventRow.findAll({
      where: { meetingId: r.meeting.id, type: 'vote.progress' },
    });
    for (const e of progress)
      expect(Object.keys(e.data).sort()).to.deep.equal(['cast', 'eligible', 'voteId']);

    // Before closing, nothing of the ballots is shown.
    const during = await get(r.members[0], `/${r.meeting.id}/votes/${voteId}`);
    expect(during.body.ballots).to.equal(null);
    expect(during.body.result).to.equal(null);

    const closed = await post(r.secretary, `/${r.meeting.id}/votes/${voteId}/close`);
    expect(closed.status, closed.text).to.equal(200);
    expect(closed.body.result.sentence).to.equal(
      'Thông qua: 2/3 thành viên đồng ý, trên 1/2 số phiếu biểu quyết',
    );
    for (const { user, option, receipt } of receipts) {
      const seen = await get(user, `/${r.meeting.id}/votes/${voteId}`);
      const mine = seen.body.ballots.filter((b: { receipt: string }) => b.receipt === receipt);
      expect(mine).to.have.length(1);
      expect(mine[0].option).to.equal(['Đồng ý', 'Không đồng ý'][option]);
      expect(seen.body.named).to.equal(null);
      for (const b of seen.body.ballots) {
        expect(Object.keys(b).sort()).to.deep.equal(['option', 'receipt', 'weight']);
      }
    }
    const listPage = await (
      await loginAs(app, r.members[0])
    ).agent.get(`/meetings/${r.meeting.id}/votes/${voteId}`);
    expect(listPage.text).to.include('data-testid="ballots"');
    expect(listPage.text).to.include(receipts[0].receipt);
  });

  it('a closed vote refuses ballots, records and a second close, and nothing changes', async () => {
    const r = await room(2);
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Đóng rồi?' });
    const voteId = body.voteId as number;
    expect(
      (await post(r.members[0], `/${r.meeting.id}/votes/${voteId}/ballots`, { option: 0 })).status,
    ).to.equal(201);
    expect((await post(r.chair, `/${r.meeting.id}/votes/${voteId}/close`)).status).to.equal(200);
    const before = (await MeetingVote.findByPk(voteId))!.get({ plain: true });
    const late = await post(r.members[1], `/${r.meeting.id}/votes/${voteId}/ballots`, {
      option: 1,
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('VOTE_CLOSED');
    expect(late.body.error.message).to.equal(
      'Biểu quyết đã kết thúc: không thể biểu quyết hoặc thay đổi phiếu.',
    );
    const again = await post(r.members[0], `/${r.meeting.id}/votes/${voteId}/ballots`, {
      option: 1,
    });
    expect(again.status).to.equal(409);
    const record = await post(r.secretary, `/${r.meeting.id}/votes/${voteId}/record`, {
      participantId: (await MeetingVoteVoter.findOne({ where: { voteId } }))!.participantId,
      option: 1,
    });
    expect(record.status).to.equal(409);
    expect((await post(r.chair, `/${r.meeting.id}/votes/${voteId}/close`)).status).to.equal(409);
    expect(await MeetingVoteBallot.count({ where: { voteId } })).to.equal(1);
    expect(await MeetingVoteVoter.count({ where: { voteId } })).to.equal(1);
    expect((await MeetingVote.findByPk(voteId))!.get({ plain: true })).to.deep.equal(before);
  });

  it('a deputy votes in the member’s place, once; a deputy of two members says for whom', async () => {
    const r = await room(1);
    const deputy = await buildUser(agency, ['specialist'], { fullName: 'Phó phòng dự thay' });
    const principal = await buildUser(agency, ['dept_head'], { fullName: 'Trưởng phòng A' });
    const principal2 = await buildUser(agency, ['dept_head'], { fullName: 'Trưởng phòng B' });
    const row = await addParticipant(r.meeting, principal, { deputy, attendance: 'deputy' });
    const row2 = await addParticipant(r.meeting, principal2, { deputy, attendance: 'deputy' });
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Dự thay?' });
    const path = `/${r.meeting.id}/votes/${body.voteId}/ballots`;

    const ambiguous = await post(deputy, path, { option: 0 });
    expect(ambiguous.status).to.equal(422);
    expect(ambiguous.body.error.code).to.equal('VOTE_CHOOSE_MEMBER');
    const cast = await post(deputy, path, { option: 0, participantId: row.id });
    expect(cast.status, cast.text).to.equal(201);
    expect(cast.body.channel).to.equal('deputy');
    const voter = await MeetingVoteVoter.findOne({
      where: { voteId: body.voteId, participantId: row.id },
    });
    expect(voter!.castById).to.equal(deputy.id);
    // The member the deputy stood in for has voted through them.
    const self = await post(principal, path, { option: 1 });
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('VOTE_ALREADY_CAST');
    expect((await post(deputy, path, { option: 1, participantId: row2.id })).status).to.equal(201);
    expect((await post(deputy, path, { option: 1, participantId: row2.id })).status).to.equal(409);
    // Not a member the deputy stands in for.
    const other = await MeetingVoteVoter.count({ where: { voteId: body.voteId } });
    const wrong = await post(deputy, path, { option: 1, participantId: r.absentRow.id });
    expect(wrong.status).to.equal(403);
    expect(await MeetingVoteVoter.count({ where: { voteId: body.voteId } })).to.equal(other);
  });

  it('only the members of the presence snapshot vote: absent at opening, non-voting, outsiders and other agencies are refused', async () => {
    const r = await room(1);
    const guest = await buildUser(agency, ['specialist'], { fullName: 'Khách mời' });
    await addParticipant(r.meeting, guest, { role: 'guest', isVoting: false });
    const outsider = await buildUser(agency, ['specialist'], { fullName: 'Không được mời' });
    const foreign = await buildUser(await buildAgency(), ['leader'], { fullName: 'Cơ quan khác' });
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Ai được biểu quyết?',
    });
    const path = `/${r.meeting.id}/votes/${body.voteId}/ballots`;
    // Arriving after the vote opened changes nothing: the snapshot decides.
    await r.absentRow.update({ attendance: 'present' });
    const late = await post(r.absent, path, { option: 0 });
    expect(late.status).to.equal(403);
    expect(late.body.error.code).to.equal('VOTE_NOT_ELIGIBLE');
    expect((await post(guest, path, { option: 0 })).status).to.equal(403);
    expect((await post(r.chair, path, { option: 0 })).status).to.equal(403);
    expect((await post(outsider, path, { option: 0 })).status).to.equal(404);
    expect((await post(foreign, path, { option: 0 })).status).to.equal(404);
    expect((await get(foreign, `/${r.meeting.id}/votes/${body.voteId}`)).status).to.equal(404);
    expect(await MeetingVoteVoter.count({ where: { voteId: body.voteId } })).to.equal(0);
  });

  it('weighs votes where configured: one member worth 3 of 5 carries the vote', async () => {
    const r = await room(0);
    const heavy = await buildUser(agency, ['leader'], { fullName: 'Thành viên trọng số 3' });
    const a = await buildUser(agency, ['specialist']);
    const b = await buildUser(agency, ['specialist']);
    await addParticipant(r.meeting, heavy, { voteWeight: 3 });
    await addParticipant(r.meeting, a);
    await addParticipant(r.meeting, b);
    await r.absentRow.update({ isVoting: false });
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Trọng số?',
      options: ['Tán thành', 'Không tán thành'],
    });
    const path = `/${r.meeting.id}/votes/${body.voteId}/ballots`;
    expect((await post(heavy, path, { option: 0 })).status).to.equal(201);
    expect((await post(a, path, { option: 1 })).status).to.equal(201);
    expect((await post(b, path, { option: 1 })).status).to.equal(201);
    const closed = await post(r.chair, `/${r.meeting.id}/votes/${body.voteId}/close`);
    expect(closed.body.result.sentence).to.equal('Thông qua: 3/5 phiếu đồng ý, trên 1/2 tổng số');
    expect(closed.body.result.tallies).to.deep.equal([
      { label: 'Tán thành', weight: 3, count: 1 },
      { label: 'Không tán thành', weight: 2, count: 2 },
    ]);
    const results = await listVoteResults(r.meeting.id);
    expect(results).to.have.length(1);
    expect(results[0].resultSentence('en')).to.equal(
      'Passed: 3/5 votes in favour, more than 1/2 of all members',
    );
    expect(results[0].tallies).to.deep.equal([
      { label: 'Tán thành', weight: 3 },
      { label: 'Không tán thành', weight: 2 },
    ]);
  });

  it('a written opinion is cast from the page or recorded by phone until its deadline', async () => {
    const r = await room(2, 'published');
    const deadline = new Date(Date.now() + 86_400_000);
    const stamp = (d: Date) => {
      const v = new Date(d.getTime() + 7 * 3600_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
    };
    const inRoom = await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Tại phòng?' });
    expect(inRoom.status).to.equal(409);
    expect(inRoom.body.error.code).to.equal('VOTE_MEETING_NOT_RUNNING');
    const noDeadline = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Lấy ý kiến?',
      mode: 'written',
    });
    expect(noDeadline.status).to.equal(422);
    expect(noDeadline.body.error.fields.deadline).to.equal(
      'Phiếu lấy ý kiến cần có hạn gửi phiếu trong tương lai.',
    );
    const opened = await post(r.secretary, `/${r.meeting.id}/votes`, {
      question: 'Lấy ý kiến thành viên UBND về dự thảo quyết định',
      mode: 'written',
      deadline: stamp(deadline),
      quorumRule: 'none',
    });
    expect(opened.status, opened.text).to.equal(201);
    const voteId = opened.body.voteId as number;
    // Every voting member may answer a written opinion, present or not, and is told of it.
    expect(opened.body.eligible).to.equal(3);
    const told = await readableNotifications(r.absent.id, 'vi');
    expect(told.map((n) => n.link)).to.include(
      `/meetings/${r.meeting.id}/votes/${opened.body.voteId}`,
    );
    expect(told.map((n) => n.message).join('\n')).to.include(
      'Lấy ý kiến thành viên (phiếu lấy ý kiến) của cuộc họp',
    );
    expect(
      (await post(r.absent, `/${r.meeting.id}/votes/${voteId}/ballots`, { option: 0 })).status,
    ).to.equal(201);
    const member = await MeetingVoteVoter.count({ where: { voteId } });
    const participant = (await MeetingVote.findByPk(voteId))!.presence.find(
      (e) => e.userId === r.members[0].id,
    )!;
    const byPhone = await post(r.secretary, `/${r.meeting.id}/votes/${voteId}/record`, {
      participantId: participant.participantId,
      option: 1,
    });
    expect(byPhone.status, byPhone.text).to.equal(201);
    const row = await MeetingVoteVoter.findOne({
      where: { voteId, participantId: participant.participantId },
    });
    expect(row!.channel).to.equal('phone');
    expect(row!.castById).to.equal(r.secretary.id);
    expect(await MeetingVoteVoter.count({ where: { voteId } })).to.equal(member + 1);
    // A member cannot record for another.
    const forged = await post(r.members[1], `/${r.meeting.id}/votes/${voteId}/record`, {
      participantId: participant.participantId,
      option: 0,
    });
    expect(forged.status).to.equal(403);

    await MeetingVote.update({ deadline: new Date(Date.now() - 1000) }, { where: { id: voteId } });
    const late = await post(r.members[1], `/${r.meeting.id}/votes/${voteId}/ballots`, {
      option: 0,
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('VOTE_DEADLINE_PASSED');
    // At its deadline the written opinion closes by itself, in whichever process sees it first.
    const [first, second] = await Promise.all([closeExpiredVotes(), closeExpiredVotes()]);
    expect([...first, ...second].filter((id) => id === voteId)).to.have.length(1);
    const vote = await MeetingVote.findByPk(voteId);
    expect(vote!.status).to.equal('closed');
    expect(vote!.closedById).to.equal(null);
    const seen = await get(r.members[1], `/${r.meeting.id}/votes/${voteId}`);
    expect(seen.body.result.sentence).to.equal(
      'Không thông qua: 1/3 thành viên đồng ý, chưa đạt trên 1/2 tổng số',
    );
    expect((await post(r.chair, `/${r.meeting.id}/votes/${voteId}/close`)).status).to.equal(409);
    const closedEvents = await MeetingEventRow.count({
      where: { meetingId: r.meeting.id, type: 'vote.closed' },
    });
    expect(closedEvents).to.equal(1);
  });

  it('a secret vote recorded by the secretary shows the member’s receipt to the secretary once', async () => {
    const r = await room(1);
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Phiếu kín ghi nhận hộ',
      secret: true,
    });
    const entry = (await MeetingVote.findByPk(body.voteId))!.presence.find(
      (e) => e.userId === r.members[0].id,
    )!;
    const secretary = await loginAs(app, r.secretary);
    const res = await secretary.agent
      .post(`/meetings/${r.meeting.id}/votes/${body.voteId}/record`)
      .type('form')
      .send({
        _csrf: await secretary.csrf(),
        participantId: String(entry.participantId),
        option: '1',
      });
    expect(res.status, res.text.slice(0, 300)).to.equal(201);
    const code = /data-testid="receipt">([0-9A-Z-]+)</.exec(res.text)?.[1];
    expect(code).to.match(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(res.text).to.include('Mã xác nhận phiếu của thành viên');
    const ballot = await MeetingVoteBallot.findOne({ where: { voteId: body.voteId } });
    expect(ballot!.receiptCode).to.equal(code);
    expect(ballot!.participantId).to.equal(null);
    const voter = await MeetingVoteVoter.findOne({ where: { voteId: body.voteId } });
    expect([voter!.channel, voter!.castById]).to.deep.equal(['secretary', r.secretary.id]);
  });

  it('refuses hostile input in Vietnamese and saves nothing', async () => {
    const r = await room(1);
    const base = `/${r.meeting.id}/votes`;
    const votesBefore = await MeetingVote.count({ where: { meetingId: r.meeting.id } });
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'question'],
      [{ question: 'x'.repeat(5000) }, 'question'],
      [{ question: 'Q', options: ['Một'] }, 'options'],
      [{ question: 'Q', options: Array.from({ length: 11 }, (_, i) => `P${i}`) }, 'options'],
      [{ question: 'Q', options: ['A', 'a'] }, 'options'],
      [{ question: 'Q', options: ['A', 'B'.repeat(300)] }, 'options'],
      [{ question: 'Q', quorumRule: 'ai_cung_duoc' }, 'quorumRule'],
      [{ question: 'Q', itemId: 99_999_999 }, 'itemId'],
      [{ question: 'Q', options: 'A\nB', mode: 'written', deadline: 'ngày mai' }, 'deadline'],
    ];
    for (const [body, field] of cases) {
      const res = await post(r.chair, base, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).to.equal(422);
      const message = Object.entries(res.body.error.fields as Record<string, string>).find(
        ([key]) => key === field || key.startsWith(`${field}.`),
      )?.[1];
      expect(message, `${field}: ${JSON.stringify(res.body.error.fields)}`)
        .to.be.a('string')
        .and.match(/[À-ỹ]/);
    }
    expect(await MeetingVote.count({ where: { meetingId: r.meeting.id } })).to.equal(votesBefore);

    // The page's form comes back with the message next to the field (422), nothing opened.
    const chair = await loginAs(app, r.chair);
    const form = await chair.agent
      .post(`/meetings${base}`)
      .type('form')
      .send({ _csrf: await chair.csrf(), question: '   ', options: 'Một' });
    expect(form.status).to.equal(422);
    expect(form.text).to.include('id="vote-question-error"');
    expect(form.text).to.include('Cần từ 2 đến 10 phương án');
    expect(await MeetingVote.count({ where: { meetingId: r.meeting.id } })).to.equal(votesBefore);

    const { body } = await post(r.chair, base, { question: 'Hợp lệ' });
    const path = `${base}/${body.voteId}/ballots`;
    for (const option of ['abc', 7, -1, true, null, [0], 1.5, '']) {
      const res = await post(r.members[0], path, { option });
      expect(res.status, String(option)).to.equal(422);
      expect(res.body.error.fields.option).to.equal('Phương án không hợp lệ.');
    }
    expect((await post(r.members[0], `${base}/abc/ballots`, { option: 0 })).status).to.equal(404);
    expect(
      (await post(r.members[0], `${base}/99999999999/ballots`, { option: 0 })).status,
    ).to.equal(404);
    const other = await room(1);
    const elsewhere = await post(
      other.members[0],
      `/${other.meeting.id}/votes/${body.voteId}/ballots`,
      {
        option: 0,
      },
    );
    expect(elsewhere.status).to.equal(404);
    expect(elsewhere.body.error.message).to.equal(
      'Không tìm thấy lần biểu quyết này trong cuộc họp.',
    );
    // A second vote from the page shows the vote again with a 409 and the reason, counted once.
    const member = await loginAs(app, r.members[0]);
    const cast = (option: string) =>
      member
        .csrf()
        .then((csrf) =>
          member.agent.post(`/meetings${path}`).type('form').send({ _csrf: csrf, option }),
        );
    expect((await cast('0')).status).to.equal(201);
    const twice = await cast('1');
    expect(twice.status).to.equal(409);
    expect(twice.text).to.include('Thành viên này đã biểu quyết; mỗi thành viên chỉ có một phiếu.');
    expect(await MeetingVoteVoter.count({ where: { voteId: body.voteId } })).to.equal(1);
  });

  it('lets only the chair and the secretary open and close, one vote in the room at a time', async () => {
    const r = await room(1);
    const base = `/${r.meeting.id}/votes`;
    expect((await post(r.members[0], base, { question: 'Thành viên mở?' })).status).to.equal(403);
    const first = await post(r.chair, base, { question: 'Thứ nhất' });
    expect(first.status).to.equal(201);
    const second = await post(r.secretary, base, { question: 'Thứ hai' });
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('VOTE_ALREADY_OPEN');
    expect((await post(r.members[0], `${base}/${first.body.voteId}/close`)).status).to.equal(403);
    expect((await post(r.secretary, `${base}/${first.body.voteId}/close`)).status).to.equal(200);
    expect((await post(r.secretary, base, { question: 'Thứ hai' })).status).to.equal(201);
    const list = await get(r.members[0], base);
    expect(list.body.votes.map((v: { question: string }) => v.question)).to.deep.equal([
      'Thứ hai',
      'Thứ nhất',
    ]);
  });

  it('takes no ballot once the meeting closed or was cancelled: its open votes end with it', async () => {
    const stamp = (d: Date) => {
      const v = new Date(d.getTime() + 7 * 3600_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}`;
    };
    const deadline = stamp(new Date(Date.now() + 2 * 86_400_000));
    // Closing the meeting ends the vote in the room, with its result; a written opinion runs on.
    const r = await room(2);
    const inRoom = (await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Tại phòng' })).body
      .voteId as number;
    const written = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Lấy ý kiến',
      mode: 'written',
      deadline,
    });
    expect(written.status, written.text).to.equal(201);
    expect(
      (await post(r.members[0], `/${r.meeting.id}/votes/${inRoom}/ballots`, { option: 0 })).status,
    ).to.equal(201);
    expect((await post(r.chair, `/${r.meeting.id}/close`)).status).to.equal(200);
    const ended = (await MeetingVote.findByPk(inRoom))!;
    expect([ended.status, ended.closedById, ended.result?.counts]).to.deep.equal([
      'closed',
      r.chair.id,
      [1, 0, 0],
    ]);
    const late = await post(r.members[1], `/${r.meeting.id}/votes/${inRoom}/ballots`, {
      option: 1,
    });
    expect(late.status).to.equal(409);
    expect(late.body.error.message).to.equal(
      'Biểu quyết đã kết thúc: không thể biểu quyết hoặc thay đổi phiếu.',
    );
    const participantId = (await MeetingVote.findByPk(inRoom))!.presence.find(
      (e) => e.userId === r.members[1].id,
    )!.participantId;
    expect(
      (
        await post(r.secretary, `/${r.meeting.id}/votes/${inRoom}/record`, {
          participantId,
          option: 1,
        })
      ).status,
    ).to.equal(409);
    expect(await MeetingVoteVoter.count({ where: { voteId: inRoom } })).to.equal(1);
    const writtenId = written.body.voteId as number;
    expect((await MeetingVote.findByPk(writtenId))!.status).to.equal('open');
    expect(
      (await post(r.members[1], `/${r.meeting.id}/votes/${writtenId}/ballots`, { option: 0 }))
        .status,
    ).to.equal(201);
    expect(
      (await AuditLog.count({ where: { action: 'meeting.vote.close', userId: r.chair.id } })) > 0,
    ).to.equal(true);

    // Cancelling a published meeting ends its written opinions: nobody answers for it after.
    const c = await room(1, 'published');
    const opinion = await post(c.chair, `/${c.meeting.id}/votes`, {
      question: 'Lấy ý kiến trước phiên họp',
      mode: 'written',
      deadline,
    });
    expect(opinion.status, opinion.text).to.equal(201);
    expect(
      (await post(c.secretary, `/${c.meeting.id}/cancel`, { reason: 'Hoãn họp' })).status,
    ).to.equal(200);
    expect((await MeetingVote.findByPk(opinion.body.voteId))!.status).to.equal('closed');
    const afterCancel = await post(
      c.members[0],
      `/${c.meeting.id}/votes/${opinion.body.voteId}/ballots`,
      {
        option: 0,
      },
    );
    expect(afterCancel.status).to.equal(409);
    expect(await MeetingVoteVoter.count({ where: { voteId: opinion.body.voteId } })).to.equal(0);

    // An open vote left by a meeting whose state takes no ballots (as before this rule) takes none.
    const stale = await room(1);
    const staleVote = (await post(stale.chair, `/${stale.meeting.id}/votes`, { question: 'Cũ' }))
      .body.voteId as number;
    await stale.meeting.update({ status: 'closed' });
    expect(
      (
        await post(stale.members[0], `/${stale.meeting.id}/votes/${staleVote}/ballots`, {
          option: 0,
        })
      ).status,
    ).to.equal(409);
    const page = await get(stale.members[0], `/${stale.meeting.id}/votes/${staleVote}`);
    expect(page.body.canCast).to.equal(false);
  });

  it('a vote opened while the meeting is being closed ends with it, not left open in a closed room', async function () {
    // SQLite runs one writing transaction at a time: an opening cannot interleave with a close.
    if (dialectOf(db()) !== 'mysql') this.skip();
    const r = await room(1);
    const first = (await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Mẫu' })).body
      .voteId as number;
    expect((await post(r.chair, `/${r.meeting.id}/votes/${first}/close`)).status).to.equal(200);
    const template = (await MeetingVote.findByPk(first))!;
    // An opening holds the meeting row (as openVote does) while the chair closes the meeting.
    const opening = await db().transaction();
    let opened: MeetingVote;
    try {
      await db().query('SELECT id FROM meetings WHERE id = ? FOR UPDATE', {
        replacements: [r.meeting.id],
        transaction: opening,
      });
      const closing = post(r.chair, `/${r.meeting.id}/close`).then((res) => res);
      // The close has read the open votes (none) and waits for the meeting row.
      for (let i = 0; ; i++) {
        const [waiting] = await db().query(
          `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
            WHERE INFO LIKE 'UPDATE meetings SET % WHERE id = ${r.meeting.id}'`,
          { type: QueryTypes.SELECT },
        );
        if (Number((waiting as { n: unknown }).n) > 0) break;
        if (i > 200) {
          const early = await Promise.race([closing, Promise.resolve(null)]);
          throw new Error(
            `the close never waited for the meeting row: ${early?.status} ${early?.text}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = template.get({ plain: true });
      opened = await MeetingVote.create(
        {
          ...fields,
          question: 'Mở đúng lúc bế mạc',
          status: 'open',
          closedAt: null,
          closedById: null,
          result: null,
          openedAt: new Date(),
        },
        { transaction: opening },
      );
      await opening.commit();
      const closed = await closing;
      expect(closed.status, closed.text).to.equal(200);
    } catch (err) {
      await opening.rollback().catch(() => undefined);
      throw err;
    }
    const after = (await MeetingVote.findByPk(opened.id))!;
    expect([after.status, after.closedById]).to.deep.equal(['closed', r.chair.id]);
    expect(after.result).to.not.equal(null);
  });

  it('a vote on an item the member is not cleared for shows no question, options or choices, and takes no ballot from them', async () => {
    const chair = await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Mật' });
    const secretary = await buildUser(agency, ['clerk'], { fullName: 'Thư ký Mật' });
    await chair.update({ secretClearance: 3 });
    const { meeting } = await buildMeeting(agency, chair, secretary, 'in_progress', 2);
    const cleared = await buildUser(agency, ['specialist'], { fullName: 'Thành viên được xem' });
    await cleared.update({ secretClearance: 2 });
    const uncleared = await buildUser(agency, ['specialist'], { fullName: 'Thành viên không mật' });
    await addParticipant(meeting, cleared);
    await addParticipant(meeting, uncleared);
    const opened = await post(chair, `/${meeting.id}/votes`, {
      question: 'Kỷ luật cán bộ A',
      options: ['Khiển trách cán bộ A', 'Cảnh cáo cán bộ A'],
    });
    expect(opened.status, opened.text).to.equal(201);
    const voteId = opened.body.voteId as number;
    const hidden = await get(uncleared, `/${meeting.id}/votes/${voteId}`);
    expect(hidden.status).to.equal(200);
    expect(hidden.body.canCast).to.equal(false);
    expect(JSON.stringify(hidden.body)).to.not.match(/cán bộ A/);
    const refused = await post(uncleared, `/${meeting.id}/votes/${voteId}/ballots`, { option: 0 });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('VOTE_NOT_ELIGIBLE');
    expect(
      (await post(cleared, `/${meeting.id}/votes/${voteId}/ballots`, { option: 1 })).status,
    ).to.equal(201);
    expect((await post(chair, `/${meeting.id}/votes/${voteId}/close`)).status).to.equal(200);
    const after = await get(uncleared, `/${meeting.id}/votes/${voteId}`);
    expect(after.body.result.sentence).to.be.a('string');
    expect(JSON.stringify(after.body)).to.not.match(/cán bộ A|Thành viên được xem/);
    const page = await (
      await loginAs(app, uncleared)
    ).agent.get(`/meetings/${meeting.id}/votes/${voteId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.match(/cán bộ A/);
    const seen = await get(cleared, `/${meeting.id}/votes/${voteId}`);
    expect(seen.body.named).to.deep.equal([
      { name: 'Thành viên được xem', option: 'Cảnh cáo cán bộ A', weight: 1 },
    ]);
  });

  it('says the default options in the reader’s language: Đồng ý / Không đồng ý / Không biểu quyết, In favour / Against / Abstain', async () => {
    const r = await room(1);
    const { body } = await post(r.chair, `/${r.meeting.id}/votes`, { question: 'Mặc định' });
    const path = `/${r.meeting.id}/votes/${body.voteId}`;
    expect((await MeetingVote.findByPk(body.voteId))!.options).to.deep.equal([
      'Đồng ý',
      'Không đồng ý',
      'Không biểu quyết',
    ]);
    expect((await get(r.members[0], path)).body.options).to.deep.equal([
      'Đồng ý',
      'Không đồng ý',
      'Không biểu quyết',
    ]);
    const member = await loginAs(app, r.members[0]);
    const vi = await member.agent.get(`/meetings${path}`);
    expect(vi.text).to.include('>Đồng ý</button>').and.include('>Không biểu quyết</button>');
    await member.agent
      .post('/language')
      .type('form')
      .send({ _csrf: await member.csrf(), lng: 'en', back: `/meetings${path}` });
    const en = await member.agent.get(`/meetings${path}`);
    expect(en.text).to.include('>In favour</button>').and.include('>Abstain</button>');
    expect(en.text).to.not.include('>Đồng ý</button>');
    // Options the chair typed are shown as typed, whatever the language.
    await post(r.chair, `${path}/close`);
    const typed = await post(r.chair, `/${r.meeting.id}/votes`, {
      question: 'Tự nhập',
      options: ['Phương án A', 'Phương án B'],
    });
    const page = await member.agent.get(`/meetings/${r.meeting.id}/votes/${typed.body.voteId}`);
    expect(page.text).to.include('>Phương án A</button>');
  });

  it('describes the votes API in openapi.json, request bodies from the routes’ schemas', async () => {
    const res = await request(app).get('/api/v1/openapi.json');
    const paths = res.body.paths as Record<string, Record<string, unknown>>;
    for (const path of [
      '',
      '/{voteId}',
      '/{voteId}/ballots',
      '/{voteId}/record',
      '/{voteId}/close',
    ])
      expect(paths, path).to.have.property(`/meetings/{id}/votes${path}`);
    const cast = paths['/meetings/{id}/votes/{voteId}/ballots'].post as {
      requestBody: { content: { 'application/json': { schema: { properties: object } } } };
    };
    expect(cast.requestBody.content['application/json'].schema.properties).to.have.keys(
      'option',
      'participantId',
    );
  });
});
