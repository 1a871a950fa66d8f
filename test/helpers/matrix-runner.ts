/**
 * Runs one case of the policy matrix: every denied actor on one fixture (the state must not
 * change), then every allowed actor on a fresh fixture each (allowed requests change state);
 * the actors of a GET share one fixture. Each request's audit rows are checked too
 * (matrix-audit.ts): changes and reads of documents audited, refusals leaving no row.
 * Problems are collected per actor so a failing case names every actor that got it wrong.
 */
import { randomInt } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import { isDeepStrictEqual } from 'node:util';
import {
  ACTORS,
  anonymousSession,
  freshSession,
  type ActorName,
  type MatrixWorld,
  type PageSession,
} from './matrix-actors.js';
import { auditMark, auditProblem } from './matrix-audit.js';

export interface Upload {
  field: string;
  buffer: Buffer;
  name: string;
}

/** What one request needs: path parameters, body, query, and how to read the state it may change. */
export interface Prepared {
  params?: Record<string, string | number>;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  multipart?: { fields: Record<string, string>; files: Upload[] };
  /** A snapshot of everything the request could change (compared before and after). */
  state?: () => Promise<unknown>;
  /** Undo what an allowed request did that would disturb later cases (e.g. a password). */
  cleanup?: () => Promise<void>;
}

export interface MatrixCase {
  label?: string;
  /** Who may; everyone else (of ACTORS) must be refused. */
  allowed: readonly ActorName[];
  /** Builds the fixture; actor is null for the fixture the denied actors share. */
  prepare?: (world: MatrixWorld, actor: ActorName | null) => Promise<Prepared>;
  /** Each request on its own new session (requests that end or change the session). */
  freshSession?: boolean;
  /** An allowed request that must leave the state as it was (setup once done). */
  allowedUnchanged?: boolean;
  /** Replaces the default success check for allowed actors: returns a problem or null. */
  allowedCheck?: (res: Response, actor: ActorName) => string | null;
  /** Refusals other than 403/404 that are acceptable for some actor (returns true when fine). */
  deniedAlso?: Partial<Record<ActorName, (res: Response) => boolean>>;
}

export interface MatrixEntry {
  /** PUT, PATCH and DELETE: the JSON API's only (pages change with a POST form). */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  cases: MatrixCase[];
}

export interface CaseResult {
  requests: number;
  problems: string[];
}

const STACK = /\bat .*\.(ts|js):\d+/;

const fillPath = (path: string, params: Record<string, string | number> = {}) =>
  path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (params[name] === undefined) throw new Error(`No value for :${name} in ${path}`);
    return encodeURIComponent(String(params[name]));
  });

const location = (res: Response) => String(res.headers.location ?? '');
const isLogin = (res: Response) => /^\/login(\?|$)/.test(location(res));

async function sessionFor(
  world: MatrixWorld,
  actor: ActorName,
  fresh: boolean,
): Promise<PageSession> {
  if (!fresh) return world.sessions[actor];
  return actor === 'anonymous'
    ? anonymousSession(world.app)
    : freshSession(world.app, world.users[actor]);
}

/**
 * The address the matrix's requests come from (the test app trusts the local proxy's
 * X-Forwarded-For): one of the run's own, so the per-address rate limits (sign-in, feeds, /verify)
 * count the matrix's requests apart from what other suites of the run sent from 127.0.0.1.
 */
const CLIENT_ADDRESS = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function send(
  world: MatrixWorld,
  entry: MatrixEntry,
  c: MatrixCase,
  prep: Prepared,
  actor: ActorName,
) {
  let url = fillPath(entry.path, prep.params);
  if (prep.query) url += `?${new URLSearchParams(prep.query)}`;
  if (entry.path.startsWith('/api/')) {
    const api = request(world.app);
    const sent =
      entry.method === 'GET'
        ? api.get(url)
        : entry.method === 'DELETE'
          ? api.delete(url)
          : entry.method === 'PATCH'
            ? api.patch(url)
            : entry.method === 'PUT'
              ? api.put(url)
              : api.post(url);
    let req = sent.set('X-Forwarded-For', CLIENT_ADDRESS);
    if (actor !== 'anonymous') req = req.set('Authorization', `Bearer ${world.tokens[actor]}`);
    if (entry.method === 'GET' || entry.method === 'DELETE') return req;
    if (prep.multipart) {
      for (const [k, v] of Object.entries(prep.multipart.fields)) req = req.field(k, v);
      for (const f of prep.multipart.files) req = req.attach(f.field, f.buffer, f.name);
      return req;
    }
    return req.send(prep.body ?? {});
  }
  if (entry.method === 'DELETE' || entry.method === 'PATCH' || entry.method === 'PUT')
    throw new Error(`${entry.method} ${entry.path}: pages change by POST`);
  const session = await sessionFor(world, actor, Boolean(c.freshSession));
  if (entry.method === 'GET') return session.agent.get(url).set('X-Forwarded-For', CLIENT_ADDRESS);
  if (prep.multipart) {
    // As a browser sends a form: the hidden token first, read before the CSRF check.
    let req = session.agent
      .post(url)
      .set('X-Forwarded-For', CLIENT_ADDRESS)
      .field('_csrf', session.csrf);
    for (const [k, v] of Object.entries(prep.multipart.fields)) req = req.field(k, v);
    for (const f of prep.multipart.files) req = req.attach(f.field, f.buffer, f.name);
    return req;
  }
  return session.agent
    .post(url)
    .set('X-Forwarded-For', CLIENT_ADDRESS)
    .type('form')
    .send({ ...(prep.body ?? {}), _csrf: session.csrf });
}

const describeRes = (res: Response) =>
  `${res.status}${res.headers.location ? ` → ${location(res)}` : ''}`;

function deniedProblem(
  entry: MatrixEntry,
  c: MatrixCase,
  actor: ActorName,
  res: Response,
): string | null {
  const api = entry.path.startsWith('/api/');
  if (actor === 'anonymous') {
    if (api) return res.status === 401 ? null : `expected 401, got ${describeRes(res)}`;
    return res.status === 303 && isLogin(res)
      ? null
      : `expected 303 → /login, got ${describeRes(res)}`;
  }
  if (res.status === 403 || res.status === 404) return null;
  if (c.deniedAlso?.[actor]?.(res)) return null;
  return `expected 403 or 404, got ${describeRes(res)}`;
}

function allowedProblem(c: MatrixCase, actor: ActorName, res: Response): string | null {
  if (c.allowedCheck) return c.allowedCheck(res, actor);
  if (res.status >= 200 && res.status < 300) return null;
  if (res.status === 303 && !isLogin(res)) return null;
  return `expected success (2xx or 303 to a page), got ${describeRes(res)}`;
}

/** Runs the case for every actor and returns what went wrong, one line per actor. */
export async function runCase(
  world: MatrixWorld,
  entry: MatrixEntry,
  c: MatrixCase,
): Promise<CaseResult> {
  const problems: string[] = [];
  let requests = 0;
  const report = (actor: ActorName, problem: string) => problems.push(`${actor}: ${problem}`);
  const prepare = (actor: ActorName | null) =>
    c.prepare ? c.prepare(world, actor) : Promise.resolve({} as Prepared);
  const check = (actor: ActorName, res: Response) => {
    const text = res.text ?? '';
    if (STACK.test(text)) report(actor, `stack trace in the response body (${describeRes(res)})`);
    if (res.status >= 500) report(actor, `server error ${res.status}`);
  };

  // A GET changes nothing (but the audit log), so its actors share one fixture.
  const shared = entry.method === 'GET' ? await prepare(null) : null;
  const denied = ACTORS.filter((a) => !c.allowed.includes(a));
  if (denied.length) {
    const prep = shared ?? (await prepare(null));
    for (const actor of denied) {
      const before = prep.state ? await prep.state() : undefined;
      const mark = await auditMark();
      const res = await send(world, entry, c, prep, actor);
      requests++;
      check(actor, res);
      const problem = deniedProblem(entry, c, actor, res);
      if (problem) report(actor, `should be refused: ${problem}`);
      if (prep.state && !isDeepStrictEqual(await prep.state(), before)) {
        report(actor, `a refused request changed the state (${describeRes(res)})`);
      }
      const outcome = { allowed: false, succeeded: false, changed: false };
      const audit = await auditProblem(world, entry, c, actor, prep, res, outcome, mark);
      if (audit) report(actor, audit);
    }
  }
  for (const actor of c.allowed) {
    const prep = shared ?? (await prepare(actor));
    const before = prep.state ? await prep.state() : undefined;
    const mark = await auditMark();
    const res = await send(world, entry, c, prep, actor);
    requests++;
    check(actor, res);
    const problem = allowedProblem(c, actor, res);
    if (problem) report(actor, `should be allowed: ${problem}`);
    // Without a snapshot of the state, an allowed POST (or DELETE) is taken to have changed something.
    let changed = entry.method !== 'GET';
    if (!problem && prep.state && entry.method !== 'GET') {
      changed = !isDeepStrictEqual(await prep.state(), before);
      if (changed && c.allowedUnchanged) report(actor, 'the request changed the state');
      if (!changed && !c.allowedUnchanged) report(actor, 'an allowed request changed nothing');
    }
    const outcome = { allowed: true, succeeded: !problem, changed };
    const audit = await auditProblem(world, entry, c, actor, prep, res, outcome, mark);
    if (audit) report(actor, `audit: ${audit}`);
    await prep.cleanup?.();
  }
  return { requests, problems };
}
