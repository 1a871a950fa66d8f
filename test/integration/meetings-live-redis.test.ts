import { expect } from 'chai';
import { MeetingEventRow } from '../../src/meetings/meeting-live.model.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { startLiveServer, type RunningServer } from '../helpers/live-servers.js';
import { meetingEventOf, openSse, type SseStream } from '../helpers/sse-client.js';
import { buildLiveMeeting, buildLivePeople, tokenOf } from './meetings-live-fixtures.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

describe('the meeting room across processes (REDIS_URL): two servers, one room', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let a: RunningServer;
  let b: RunningServer;
  const streams: SseStream[] = [];

  before(async () => {
    ctx = await testApp();
    // Two separate processes on the test database: nothing of one is in the other's memory.
    [a, b] = await Promise.all([
      startLiveServer({ databaseUrl: ctx.config.databaseUrl, redisUrl: REDIS_URL }),
      startLiveServer({ databaseUrl: ctx.config.databaseUrl, redisUrl: REDIS_URL }),
    ]);
  });

  after(async () => {
    for (const s of streams) s.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("a member following on one server gets the chair's change made on the other, in order, with the logged ids", async () => {
    const people = await buildLivePeople();
    const m = await buildLiveMeeting(people);
    const auth = async (user: typeof people.member) => ({
      Authorization: `Bearer ${await tokenOf(user)}`,
    });
    const memberOnB = await openSse(
      `${b.url}/api/v1/meetings/${m.meeting.id}/events`,
      await auth(people.member),
    );
    const uncleardOnA = await openSse(
      `${a.url}/api/v1/meetings/${m.meeting.id}/events`,
      await auth(people.uncleared),
    );
    streams.push(memberOnB, uncleardOnA);
    expect([memberOnB.status, uncleardOnA.status]).to.deep.equal([200, 200]);

    const chair = await auth(people.chair);
    const post = (server: RunningServer, path: string, body: unknown = {}) =>
      fetch(`${server.url}/api/v1/meetings/${m.meeting.id}${path}`, {
        method: 'POST',
        headers: { ...chair, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(a, '/open')).status).to.equal(200);
    expect((await post(a, '/item', { to: 'next' })).status).to.equal(200);

    const secondItem = (e: { data: string }) => {
      const ev = meetingEventOf(e as never);
      return ev.type === 'item.current' && ev.data.itemId === m.items[1].id;
    };
    const onB = await memberOnB.waitFor(secondItem, 10_000);
    expect(meetingEventOf(onB).data.title).to.equal('Phương án nhân sự mật');
    const onA = await uncleardOnA.waitFor(secondItem, 10_000);
    expect(onA.data).not.to.include('nhân sự');

    const logged = await MeetingEventRow.findAll({
      where: { meetingId: m.meeting.id },
      order: [['id', 'ASC']],
    });
    expect(memberOnB.events.map((e) => e.id)).to.deep.equal(logged.map((r) => r.id));
    expect(memberOnB.events.map((e) => meetingEventOf(e).type)).to.deep.equal(
      logged.map((r) => r.type),
    );
  });
});
