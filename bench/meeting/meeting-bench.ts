/**
 * The meeting room under load (issue 13 §5), used by `npm run bench:meeting` (run.ts) and, with
 * tiny numbers, by the CI smoke test:
 *   1. seeds one meeting with `clients` invitees (the first `voters` of them voting members,
 *      present), each with a personal access token;
 *   2. starts the server as deployed (src/server.ts) with REDIS_URL and `workers` processes in a
 *      cluster, so the streams land on every process and events cross through Redis;
 *   3. connects `clients` event streams from `clientProcs` forked client processes;
 *   4. the chair moves the current item `rounds` times: for each, the delay from the start of the
 *      chair's request to the moment each client has the item.current event (p50/p99/max);
 *   5. the chair opens a vote and `voters` members each post a ballot, spread evenly over
 *      `voteWindowMs`: p50/p99 of the ballot request; then the chair closes it and the time until
 *      the result (vote.closed) is on every screen.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agency } from '../../src/agencies/agency.model.js';
import { hashToken } from '../../src/http/auth.js';
import { Meeting, MeetingItem, MeetingParticipant } from '../../src/meetings/meeting.model.js';
import { MeetingEventRow } from '../../src/meetings/meeting-live.model.js';
import { AccessToken, User } from '../../src/users/user.model.js';
import { startLiveServer, type RunningServer } from '../../test/helpers/live-servers.js';

export interface MeetingBenchOptions {
  databaseUrl: string;
  redisUrl: string;
  clients: number;
  voters: number;
  clientProcs: number;
  workers: number;
  rounds: number;
  voteWindowMs: number;
  /** The server's warnings and errors on stdout (BENCH_SERVER_LOG=1). */
  showServerLog?: boolean;
  /** How long to wait for every client to get an event before giving up. */
  deliveryTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface MeetingBenchFigures {
  clients: {
    asked: number;
    connected: number;
    failed: number;
    retries: number;
    connectSeconds: number;
  };
  rounds: {
    requestMs: number;
    delivered: number;
    missing: number;
    delayMs: Percentiles;
  }[];
  delivery: Percentiles & { delivered: number; missing: number };
  vote: {
    asked: number;
    accepted: number;
    refused: number;
    errors: string[];
    requestMs: Percentiles;
    castSeconds: number;
    closeRequestMs: number;
    resultDelivered: number;
    resultMissing: number;
    resultOnEveryScreenMs: number;
    resultDelayMs: Percentiles;
  } | null;
}

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client-worker.mjs');
const now = () => performance.timeOrigin + performance.now();

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
      : NaN;
  return { p50: at(50), p99: at(99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

interface Seeded {
  meeting: Meeting;
  chairToken: string;
  tokens: string[];
}

/** One agency, a chair, a secretary and `clients` invitees with tokens; a published meeting. */
async function seedRoom(clients: number, voters: number): Promise<Seeded> {
  const tag = randomUUID().slice(0, 8);
  const n = tag.toUpperCase();
  const agency = await Agency.create({
    parentId: null,
    name: `UBND tỉnh Đo tải ${tag}`,
    abbreviation: 'UBND',
    code: `${n.slice(0, 3)}.${n.slice(3, 5)}.${n.slice(5, 7)}.H${n.slice(7, 8)}9`,
  });
  const passwordHash =
    'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
  const people = await User.bulkCreate(
    Array.from({ length: clients + 2 }, (_, i) => ({
      agencyId: agency.id,
      departmentId: null,
      username: `bm_${tag}_${i}`,
      fullName: i === 0 ? 'Chủ tịch Đo Tải' : i === 1 ? 'Thư ký Đo Tải' : `Đại biểu số ${i - 1}`,
      positionTitle: null,
      email: null,
      passwordHash,
    })),
  );
  const [chair, secretary, ...members] = people;
  const tokens = people.map(() => `eo_${randomBytes(24).toString('base64url')}`);
  for (let i = 0; i < people.length; i += 500)
    await AccessToken.bulkCreate(
      people.slice(i, i + 500).map((u, j) => ({
        userId: u.id,
        name: 'bench:meeting',
        tokenHash: hashToken(tokens[i + j]),
        expiresAt: null,
      })),
    );
  const startsAt = new Date();
  const meeting = await Meeting.create({
    agencyId: agency.id,
    title: `Kỳ họp HĐND (đo tải ${tag})`,
    kind: 'hoi_nghi',
    description: null,
    chairId: chair.id,
    secretaryId: secretary.id,
    organiserId: secretary.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 4 * 3600_000),
    roomId: null,
    onlineUrl: null,
    status: 'published',
    publishedAt: startsAt,
    checkInToken: randomBytes(24).toString('base64url'),
  });
  for (let position = 1; position <= 3; position++)
    await MeetingItem.create({
      meetingId: meeting.id,
      position,
      title: `Nội dung ${position}: tờ trình số ${position}/TTr-UBND`,
      presenterId: null,
      presenterName: 'Giám đốc Sở',
      plannedMinutes: 15,
    });
  const rows = [
    { user: chair, role: 'chair', isVoting: false },
    { user: secretary, role: 'secretary', isVoting: false },
    ...members.map((user, i) => ({
      user,
      role: i < voters ? 'member' : 'participant',
      isVoting: i < voters,
    })),
  ];
  for (let i = 0; i < rows.length; i += 500)
    await MeetingParticipant.bulkCreate(
      rows.slice(i, i + 500).map((r) => ({
        meetingId: meeting.id,
        userId: r.user.id,
        guestName: null,
        guestOrganisation: null,
        role: r.role as 'member',
        invitedDepartmentId: null,
        isVoting: r.isVoting,
        voteWeight: 1,
        rsvp: 'attend' as const,
        attendance: 'present' as const,
        checkedInAt: startsAt,
      })),
    );
  return { meeting, chairToken: tokens[0], tokens: tokens.slice(2) };
}

interface Worker {
  child: ChildProcess;
  ask<T>(msg: Record<string, unknown>, type: string): Promise<T>;
}

function startWorker(): Worker {
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    child,
    ask: <T>(msg: Record<string, unknown>, type: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (reply: { type: string }) => {
          if (reply.type !== type) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(reply as T);
        };
        const onExit = (code: number) => reject(new Error(`client worker exited (${code})`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send(msg);
      }),
  };
}

/** Asks every client process until every client has the event (or the time is up). */
async function gather(
  workers: Worker[],
  kind: string,
  afterId: number,
  timeoutMs: number,
): Promise<{ times: number[]; missing: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reports = await Promise.all(
      workers.map((w) =>
        w.ask<{ times: number[]; missing: number }>({ cmd: 'report', kind, afterId }, 'report'),
      ),
    );
    const times = reports.flatMap((r) => r.times);
    const missing = reports.reduce((n, r) => n + r.missing, 0);
    if (missing === 0 || Date.now() > deadline) return { times, missing };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function api(
  base: string,
  token: string,
  pathname: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown>; ms: number }> {
  const started = now();
  const res = await fetch(`${base}/api/v1/meetings${pathname}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json, ms: now() - started };
}

const lastIdOf = async (meetingId: number): Promise<number> =>
  ((await MeetingEventRow.max('id', { where: { meetingId } })) as number | null) ?? 0;

/** Runs the whole benchmark on an opened (migrated) database; returns the figures. */
export async function runMeetingBench(o: MeetingBenchOptions): Promise<MeetingBenchFigures> {
  const log = o.log ?? (() => undefined);
  const timeout = o.deliveryTimeoutMs ?? 30_000;
  log(`Seeding a meeting with ${o.clients} invitees (${o.voters} voting members)…`);
  const seeded = await seedRoom(Math.max(o.clients, o.voters), o.voters);
  const meetingId = seeded.meeting.id;
  let server: RunningServer | null = null;
  const workers: Worker[] = [];
  try {
    server = await startLiveServer({
      databaseUrl: o.databaseUrl,
      redisUrl: o.redisUrl,
      workers: o.workers,
      env: { NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      showLog: o.showServerLog,
    });
    log(`Server: ${server.url}, ${o.workers} process(es) in a cluster, REDIS_URL=${o.redisUrl}`);
    const opened = await api(server.url, seeded.chairToken, `/${meetingId}/open`, {});
    if (opened.status !== 200)
      throw new Error(`open: ${opened.status} ${JSON.stringify(opened.json)}`);

    for (let i = 0; i < o.clientProcs; i++) workers.push(startWorker());
    const tokens = seeded.tokens.slice(0, o.clients);
    const share = (i: number) => tokens.filter((_, j) => j % o.clientProcs === i);
    const connectStarted = Date.now();
    const connected = await Promise.all(
      workers.map((w, i) =>
        w.ask<{ ok: number; failed: number; retries: number; errors: string[] }>(
          {
            cmd: 'connect',
            base: server!.url,
            meetingId,
            tokens: share(i),
            concurrency: 20,
          },
          'connected',
        ),
      ),
    );
    const clients = {
      asked: tokens.length,
      connected: connected.reduce((n, c) => n + c.ok, 0),
      failed: connected.reduce((n, c) => n + c.failed, 0),
      retries: connected.reduce((n, c) => n + c.retries, 0),
      connectSeconds: (Date.now() - connectStarted) / 1000,
    };
    log(
      `Connected ${clients.connected}/${clients.asked} event streams in ${clients.connectSeconds.toFixed(1)} s` +
        (clients.retries ? `, ${clients.retries} connects tried again` : '') +
        (clients.failed || clients.retries
          ? ` (refusals seen: ${[...new Set(connected.flatMap((c) => c.errors))].join('; ')})`
          : ''),
    );
    // Let the connect burst settle before measuring.
    await new Promise((r) => setTimeout(r, 1000));

    const rounds: MeetingBenchFigures['rounds'] = [];
    const allDelays: number[] = [];
    let missingTotal = 0;
    for (let r = 0; r < o.rounds; r++) {
      const afterId = await lastIdOf(meetingId);
      const to = r % 2 === 0 ? 'next' : 'previous';
      const t0 = now();
      const moved = await api(server.url, seeded.chairToken, `/${meetingId}/item`, { to });
      if (moved.status !== 200)
        throw new Error(`item: ${moved.status} ${JSON.stringify(moved.json)}`);
      const { times, missing } = await gather(workers, 'item.current', afterId, timeout);
      const delays = times.map((t) => t - t0);
      allDelays.push(...delays);
      missingTotal += missing;
      const round = {
        requestMs: moved.ms,
        delivered: times.length,
        missing,
        delayMs: percentiles(delays),
      };
      rounds.push(round);
      log(
        `Item change ${r + 1}: chair's request ${moved.ms.toFixed(0)} ms; delivered to ${times.length}/${clients.connected}` +
          ` — p50 ${round.delayMs.p50.toFixed(0)} ms, p99 ${round.delayMs.p99.toFixed(0)} ms, max ${round.delayMs.max.toFixed(0)} ms`,
      );
      await new Promise((res) => setTimeout(res, 500));
    }
    const delivery = {
      ...percentiles(allDelays),
      delivered: allDelays.length,
      missing: missingTotal,
    };

    let vote: MeetingBenchFigures['vote'] = null;
    if (o.voters > 0) {
      const current = (await Meeting.findByPk(meetingId))!.currentItemId;
      const openedVote = await api(server.url, seeded.chairToken, `/${meetingId}/votes`, {
        itemId: current,
        question: 'Thông qua tờ trình?',
        mode: 'room',
      });
      if (openedVote.status !== 201)
        throw new Error(
          `votes API (POST /api/v1/meetings/:id/votes) answered ${openedVote.status}: ${JSON.stringify(openedVote.json)}`,
        );
      const voteId = Number(openedVote.json.voteId ?? openedVote.json.id);
      const voterTokens = seeded.tokens.slice(0, o.voters);
      const step = o.voteWindowMs / Math.max(1, o.voters);
      const plan = voterTokens.map((token, i) => ({
        token,
        option: i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2,
        delayMs: Math.round(i * step),
      }));
      const castStarted = Date.now();
      const results = await Promise.all(
        workers.map((w, i) =>
          w.ask<{ latencies: number[]; statuses: number[]; errors: string[] }>(
            {
              cmd: 'vote',
              base: server!.url,
              meetingId,
              voteId,
              voters: plan.filter((_, j) => j % workers.length === i),
            },
            'voted',
          ),
        ),
      );
      const castSeconds = (Date.now() - castStarted) / 1000;
      const statuses = results.flatMap((r) => r.statuses);
      const latencies = results.flatMap((r) => r.latencies);
      const afterId = await lastIdOf(meetingId);
      const closed = await api(
        server.url,
        seeded.chairToken,
        `/${meetingId}/votes/${voteId}/close`,
        {},
      );
      const t0 = now() - closed.ms;
      if (closed.status !== 200)
        throw new Error(`close vote: ${closed.status} ${JSON.stringify(closed.json)}`);
      const { times, missing } = await gather(workers, 'vote.closed', afterId, timeout);
      const delays = times.map((t) => t - t0);
      const delayMs = percentiles(delays);
      vote = {
        asked: plan.length,
        accepted: statuses.filter((s) => s === 201).length,
        refused: statuses.filter((s) => s !== 201).length,
        errors: results.flatMap((r) => r.errors).slice(0, 5),
        requestMs: percentiles(latencies),
        castSeconds,
        closeRequestMs: closed.ms,
        resultDelivered: times.length,
        resultMissing: missing,
        resultOnEveryScreenMs: delayMs.max,
        resultDelayMs: delayMs,
      };
      log(
        `Votes: ${vote.accepted}/${vote.asked} accepted in ${castSeconds.toFixed(1)} s — request p50 ${vote.requestMs.p50.toFixed(0)} ms, p99 ${vote.requestMs.p99.toFixed(0)} ms, max ${vote.requestMs.max.toFixed(0)} ms` +
          (vote.refused ? ` (refused: ${vote.errors.join('; ')})` : ''),
      );
      log(
        `Result: close request ${closed.ms.toFixed(0)} ms; on ${times.length}/${clients.connected} screens, the last ${delayMs.max.toFixed(0)} ms after the close (p50 ${delayMs.p50.toFixed(0)} ms, p99 ${delayMs.p99.toFixed(0)} ms)`,
      );
    }
    return { clients, rounds, delivery, vote };
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            w.child.once('exit', () => resolve());
            w.child.send({ cmd: 'close' });
          }),
      ),
    );
    await server?.stop();
  }
}
