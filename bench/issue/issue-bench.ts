/**
 * npm run bench:issue — full issuance of outgoing documents through /api/v1, on a fresh database:
 * the leader's signature with their PIN (POST /outgoing/:id/sign), then the clerk's issuance
 * (POST /outgoing/:id/issue: number, seal, attachments, dispatch to BENCH_RECIPIENTS (10)
 * agencies of the deployment), BENCH_CONCURRENCY (20) documents in flight at once, each document
 * distinct and signed by one of BENCH_LEADERS (20) leaders. Two files: a 2-page PDF and a 5 MB
 * one. Reports documents per second, median and p95 latency of a document (sign + issue), each
 * request's median, and the signing engine's share (time inside signPdfWith, measured by the
 * wrapper timed-providers.ts, over the documents' summed latency).
 *
 * Two ways of signing are measured: "each" (one sign request per document, the PIN opening the
 * leader's key every time: one scrypt per signature) and "batch" (each leader signs their
 * documents with one PIN entry, POST /outgoing/sign-batch, the key opened once per batch).
 *
 * Environment: BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/eoffice_bench_issue; the
 * database is dropped and recreated, so its name must contain "bench"), BENCH_DOCS (200: 2-page
 * documents per mode), BENCH_DOCS_LARGE (40: 5 MB documents per mode), BENCH_LARGE_MB (5),
 * BENCH_CONCURRENCY (20), BENCH_LEADERS (20), BENCH_RECIPIENTS (10), BENCH_MODES ("each,batch"),
 * BENCH_KDF ("default": the production scrypt cost of the leaders' keys; "cheap": N=2^10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Agency } from '../../src/agencies/agency.model.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { migrate } from '../../src/db/migrator.js';
import { recreateDatabase } from '../../src/db/recreate.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { DEFAULT_SCRYPT } from '../../src/pki/index.js';
import { enrolAgencySeal, enrolServerKey } from '../../src/signing-keys/index.js';
import { useKdf } from '../../src/signing-keys/settings.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser } from '../../test/factories/index.js';
import { benchDraft } from './pdf.js';
import type { SignTiming } from './timed-providers.js';

const env = process.env;
const DB_URL = env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/eoffice_bench_issue';
const DOCS = Number(env.BENCH_DOCS || 200);
const DOCS_LARGE = Number(env.BENCH_DOCS_LARGE || 40);
const LARGE_MB = Number(env.BENCH_LARGE_MB || 5);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY || 20);
const LEADERS = Number(env.BENCH_LEADERS || 20);
const RECIPIENTS = Number(env.BENCH_RECIPIENTS || 10);
const MODES = (env.BENCH_MODES || 'each,batch').split(',') as Mode[];
const KDF = env.BENCH_KDF === 'cheap' ? { N: 1 << 10, r: 8, p: 1 } : DEFAULT_SCRYPT;
const PIN = '135790';

type Mode = 'each' | 'batch';

interface Seeded {
  url: string;
  clerkToken: string;
  leaders: { user: User; token: string }[];
  drafter: User;
  recipients: Agency[];
}

interface Doc {
  id: number;
  leader: number;
}

const timing = (): SignTiming =>
  ((globalThis as { __signTiming?: SignTiming }).__signTiming ??= { calls: 0, totalMs: 0 });

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;

/** Failed requests by status and error code (a failed document is not counted as done). */
const failures = new Map<string, number>();

async function post(url: string, token: string, body: unknown): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.ok) {
    const results = /^\{"results"/.test(text)
      ? (JSON.parse(text).results as { ok: boolean; code?: string }[])
      : [];
    for (const r of results.filter((x) => !x.ok)) count(`sign-batch ${r.code}`);
    return true;
  }
  let code = '';
  try {
    code = JSON.parse(text).error?.code ?? '';
  } catch {
    code = text.slice(0, 80);
  }
  count(`${url.replace(/^.*\/api\/v1\/outgoing\/(\d+\/)?/, '')} ${res.status} ${code}`);
  return false;
}

const count = (key: string) => failures.set(key, (failures.get(key) ?? 0) + 1);

async function seed(url: string): Promise<Seeded> {
  const agency = await buildAgency({ name: 'UBND huyện Đo Thử', address: 'Hà Nội' });
  const department = await buildDepartment(agency);
  const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
  const clerk = await buildUser(agency, ['clerk']);
  const actor = { userId: null, ip: null };
  await enrolAgencySeal(agency.id, actor);
  const leaders: Seeded['leaders'] = [];
  for (let i = 0; i < LEADERS; i += 1) {
    const user = await buildUser(agency, ['leader'], {
      fullName: `Lãnh đạo ${i + 1}`,
      positionTitle: 'Phó Chủ tịch',
    });
    await enrolServerKey(user.id, PIN, { userId: user.id, ip: null }, { kdf: KDF });
    leaders.push({ user, token: (await createAccessToken(user, 'bench', actor)).token });
  }
  const recipients: Agency[] = [];
  for (let i = 0; i < RECIPIENTS; i += 1) {
    const r = await buildAgency({ name: `UBND xã Nhận ${i + 1}` });
    await buildUser(r, ['clerk']);
    recipients.push(r);
  }
  const clerkToken = (await createAccessToken(clerk, 'bench', actor)).token;
  return { url, clerkToken, leaders, drafter, recipients };
}

/** Distinct drafts submitted straight to their signer (round robin over the leaders). */
async function prepareDocs(s: Seeded, count: number, bytes: number, from: number): Promise<Doc[]> {
  const docs: Doc[] = [];
  for (let i = 0; i < count; i += 1) {
    const n = from + i;
    const leader = i % s.leaders.length;
    const input = DraftFieldsSchema.parse({
      documentType: 'QĐ',
      subject: `Về việc đo thời gian ban hành văn bản số ${n}`,
      signerId: String(s.leaders[leader]!.user.id),
      signingForm: 'TM',
      signerTitle: 'Phó Chủ tịch',
      placeName: 'Hà Nội',
      recipients: s.recipients.map((r) => ({ agencyId: String(r.id) })),
    });
    const who = { user: s.drafter, ip: null };
    const doc = await createDraft(
      input,
      { main: { buffer: await benchDraft(n, bytes), originalName: `qd-${n}.pdf` } },
      who,
    );
    await submitDraft(doc.id, {}, who);
    docs.push({ id: doc.id, leader });
  }
  return docs;
}

/** Runs `work` over the items, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface Result {
  mode: Mode;
  kind: string;
  docs: number;
  wallMs: number;
  latencies: number[];
  signMs: number[];
  issueMs: number[];
  engineMs: number;
  engineCalls: number;
}

async function measure(s: Seeded, mode: Mode, kind: string, docs: Doc[]): Promise<Result> {
  const t = timing();
  const [calls0, engine0] = [t.calls, t.totalMs];
  const latencies: number[] = [];
  const signMs: number[] = [];
  const issueMs: number[] = [];
  const start = performance.now();
  const issue = async (d: Doc, since: number) => {
    const at = performance.now();
    if (!(await post(`${s.url}/api/v1/outgoing/${d.id}/issue`, s.clerkToken, {}))) return;
    issueMs.push(performance.now() - at);
    latencies.push(performance.now() - since);
  };
  if (mode === 'each') {
    await pool(docs, CONCURRENCY, async (d) => {
      const at = performance.now();
      const leader = s.leaders[d.leader]!;
      if (!(await post(`${s.url}/api/v1/outgoing/${d.id}/sign`, leader.token, { pin: PIN })))
        return;
      signMs.push(performance.now() - at);
      await issue(d, at);
    });
  } else {
    // Each leader signs their documents with one PIN; each document is issued once signed.
    const byLeader = s.leaders.map((_, i) => docs.filter((d) => d.leader === i));
    await pool(
      byLeader.filter((b) => b.length),
      CONCURRENCY,
      async (batch) => {
        const at = performance.now();
        const leader = s.leaders[batch[0]!.leader]!;
        await post(`${s.url}/api/v1/outgoing/sign-batch`, leader.token, {
          ids: batch.map((d) => d.id),
          pin: PIN,
        });
        signMs.push((performance.now() - at) / batch.length);
        const signed = await OutgoingDocument.findAll({
          where: { id: batch.map((d) => d.id), status: 'signed' },
          attributes: ['id'],
        });
        const ids = new Set(signed.map((d) => d.id));
        await pool(
          batch.filter((d) => ids.has(d.id)),
          1,
          (d) => issue(d, at),
        );
      },
    );
  }
  return {
    mode,
    kind,
    docs: docs.length,
    wallMs: performance.now() - start,
    latencies,
    signMs,
    issueMs,
    engineMs: t.totalMs - engine0,
    engineCalls: t.calls - calls0,
  };
}

function report(r: Result): void {
  const total = r.latencies.reduce((a, b) => a + b, 0);
  const done = r.latencies.length;
  console.log(
    [
      `${r.kind.padEnd(8)} ${r.mode.padEnd(5)} ${done} of ${r.docs} documents issued in ${(r.wallMs / 1000).toFixed(1)} s:`,
      `  ${((done * 1000) / r.wallMs).toFixed(1)} documents/s; latency median ${ms(quantile(r.latencies, 0.5))}, p95 ${ms(quantile(r.latencies, 0.95))}`,
      `  sign request median ${ms(quantile(r.signMs, 0.5))}${r.mode === 'batch' ? ' (per document of a batch)' : ''}, issue request median ${ms(quantile(r.issueMs, 0.5))}`,
      `  signing engine (signPdfWith, ${r.engineCalls} calls): ${ms(r.engineMs / Math.max(1, r.engineCalls))} a call, ${((100 * r.engineMs) / total).toFixed(0)}% of the documents' summed latency`,
      failures.size
        ? `  failed requests: ${[...failures].map(([k, v]) => `${v}× ${k}`).join('; ')}`
        : '  no failed requests',
    ].join('\n'),
  );
  failures.clear();
}

export async function runIssueBench(): Promise<void> {
  if (!/bench/.test(DB_URL))
    throw new Error('BENCH_DATABASE_URL must name a database with "bench"');
  const dir = mkdtempSync(path.join(tmpdir(), 'eoffice-bench-issue-'));
  await recreateDatabase(DB_URL);
  const config = loadConfig({
    ...env,
    NODE_ENV: 'development',
    DATABASE_URL: DB_URL,
    STORAGE_DIR: path.join(dir, 'files'),
    CERTS_DIR: path.join(dir, 'certs'),
    SESSION_SECRET: 'bench-issue-secret',
    LOG_LEVEL: 'silent',
  });
  const sequelize = openDatabase(config.databaseUrl);
  await migrate(sequelize);
  const app = createApp({ config, logger: pino({ level: env.BENCH_LOG_LEVEL || 'error' }) });
  useKdf(KDF);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(
    `bench:issue on ${DB_URL.replace(/\/\/[^@]*@/, '//***@')}, ${cpus().length} cores, ` +
      `${CONCURRENCY} concurrent, ${LEADERS} leaders, ${RECIPIENTS} recipient agencies, ` +
      `leader keys at scrypt N=${KDF.N}`,
  );
  try {
    const s = await seed(url);
    let n = 1;
    const results: Result[] = [];
    for (const [kind, count, bytes] of [
      ['2-page', DOCS, 0],
      [`${LARGE_MB} MB`, DOCS_LARGE, LARGE_MB * 1024 * 1024],
    ] as const) {
      for (const mode of MODES) {
        if (count <= 0) continue;
        const docs = await prepareDocs(s, count, bytes, n);
        n += count;
        const r = await measure(s, mode, kind, docs);
        report(r);
        results.push(r);
      }
    }
  } finally {
    server.close();
    await closeDatabase();
    rmSync(dir, { recursive: true, force: true });
  }
}
