import { expect } from 'chai';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Agency } from '../../src/agencies/agency.model.js';
import { AccessToken, User } from '../../src/users/user.model.js';
import { hashToken } from '../../src/http/auth.js';
import { randomBytes } from 'node:crypto';
import {
  MeetingVote,
  MeetingVoteBallot,
  MeetingVoteVoter,
} from '../../src/meetings/meeting-vote.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { testApp } from '../helpers/test-app.js';
import { addParticipant, buildMeeting } from './meetings-votes-fixtures.js';

const MEMBERS = 300;
const DOUBLED = 100;

/** A personal access token written directly (createAccessToken audits each one: slow for 300). */
async function tokenFor(user: User): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  await AccessToken.create({
    userId: user.id,
    name: 'biểu quyết',
    tokenHash: hashToken(token),
    expiresAt: null,
  });
  return token;
}

describe('Votes: 300 members casting on one ballot at once', function () {
  this.timeout(300_000);
  let server: Server;
  let agency: Agency;

  before(async () => {
    const { app } = await testApp();
    server = app.listen(0);
    agency = await buildAgency();
  });

  after(() => {
    server.close();
  });

  it('counts exactly one vote per member; the doubled attempts are refused with 409', async () => {
    const chair = await buildUser(agency, ['leader'], { fullName: 'Chủ tịch Nguyễn Văn An' });
    const secretary = await buildUser(agency, ['clerk'], { fullName: 'Thư ký Lê Thu' });
    const { meeting } = await buildMeeting(agency, chair, secretary);
    const members: { user: User; token: string }[] = [];
    const users = await User.bulkCreate(
      Array.from({ length: MEMBERS }, (_, i) => ({
        agencyId: agency.id,
        departmentId: null,
        username: `tv_${meeting.id}_${i}_${randomBytes(3).toString('hex')}`,
        fullName: `Thành viên số ${i + 1}`,
        positionTitle: null,
        email: null,
        passwordHash: 'x',
      })),
    );
    for (const user of users) {
      await addParticipant(meeting, user, { attendance: 'present' });
      members.push({ user, token: await tokenFor(user) });
    }
    const chairToken = await tokenFor(chair);
    const api = (path: string) => request(server).post(`/api/v1/meetings/${meeting.id}${path}`);

    const opened = await api('/votes')
      .set('Authorization', `Bearer ${chairToken}`)
      .send({ question: 'Thông qua kế hoạch đầu tư công năm 2027?', secret: true });
    expect(opened.status, opened.text).to.equal(201);
    const voteId = opened.body.voteId as number;
    expect(opened.body.eligible).to.equal(MEMBERS);

    // Every member once, and the first hundred a second time, all at the same moment.
    const attempts = [
      ...members.map((m, i) => ({ m, option: i % 3 === 1 ? 1 : 0 })),
      ...members.slice(0, DOUBLED).map((m) => ({ m, option: 1 })),
    ];
    const started = Date.now();
    const responses = await Promise.all(
      attempts.map(({ m, option }) =>
        api(`/votes/${voteId}/ballots`).set('Authorization', `Bearer ${m.token}`).send({ option }),
      ),
    );
    const elapsed = Date.now() - started;
    const statuses = responses.map((r) => r.status);
    const unexpected = responses.filter((r) => r.status !== 201 && r.status !== 409);
    expect(unexpected.map((r) => `${r.status} ${r.text}`)).to.deep.equal([]);
    expect(statuses.filter((s) => s === 201)).to.have.length(MEMBERS);
    expect(statuses.filter((s) => s === 409)).to.have.length(DOUBLED);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.body.error.code).to.equal('VOTE_ALREADY_CAST');
      expect(r.body.error.message).to.match(/đã biểu quyết/);
    }
    const receipts = responses.filter((r) => r.status === 201).map((r) => r.body.receipt);
    expect(new Set(receipts).size).to.equal(MEMBERS);

    expect(await MeetingVoteVoter.count({ where: { voteId } })).to.equal(MEMBERS);
    expect(await MeetingVoteBallot.count({ where: { voteId } })).to.equal(MEMBERS);
    const voters = await MeetingVoteVoter.findAll({ where: { voteId } });
    expect(new Set(voters.map((v) => v.participantId)).size).to.equal(MEMBERS);

    const closed = await api(`/votes/${voteId}/close`).set('Authorization', `Bearer ${chairToken}`);
    expect(closed.status, closed.text).to.equal(200);
    const vote = await MeetingVote.findByPk(voteId);
    // Each member's first attempt is the one that counts or the doubled one: 300 ballots either
    // way, and the weights add up to the members.
    const tallies = vote!.result!.tallies;
    expect(tallies.reduce((a, b) => a + b, 0)).to.equal(MEMBERS);
    expect(closed.body.ballots).to.have.length(MEMBERS);
    console.log(
      `      ${attempts.length} concurrent cast requests (${MEMBERS} members, ${DOUBLED} doubled) in ${elapsed} ms`,
    );
  });
});
