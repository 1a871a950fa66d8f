/**
 * Hostile input on every route the app answers: each route's valid request (the policy matrix's
 * fixture and an actor allowed to make it) is sent again with its path parameters, query, body
 * and files replaced by hostile values, and by an actor of another agency. Every answer must be
 * below 500 with no stack trace; a refusal says why in Vietnamese (the error page or the form's
 * error for pages, {error:{code,message}} for /api/v1) and writes nothing.
 */
import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import type { Response, Test } from 'supertest';
import { Op, QueryTypes } from 'sequelize';
import { SignerCredential } from '../../src/signing-keys/signer-credential.model.js';
import { db } from '../../src/db/index.js';
import { toAppError } from '../../src/http/error-handler.js';
import { parseId } from '../../src/http/params.js';
import { testApp } from '../helpers/test-app.js';
import { listRoutes } from '../helpers/routes.js';
import { routeKey, useMatrixWorld } from '../helpers/matrix-suite.js';
import {
  freshSession,
  type ActorName,
  type MatrixWorld,
  type SignedInActor,
} from '../helpers/matrix-actors.js';
import type { MatrixCase, MatrixEntry, Prepared, Upload } from '../helpers/matrix-runner.js';
import { MATRIX } from '../helpers/matrix-table.js';
import {
  answerProblems,
  encodePathValue,
  EXTRA_FIELDS,
  FORM_FIELD_VALUES,
  HOSTILE_PATH_VALUES,
  hostileFiles,
  hostileQueries,
  JSON_FIELD_VALUES,
  queryParamsOf,
  RAW_JSON_BODIES,
} from '../helpers/hostile-variants.js';

/** The tables a refused write must leave as they were (their row counts). */
const MAIN_TABLES = [
  'incoming_documents',
  'incoming_assignments',
  'outgoing_documents',
  'outgoing_recipients',
  'document_files',
  'document_comments',
  'document_grants',
  'stored_files',
  'approval_flows',
  'approval_templates',
  'meetings',
  'meeting_items',
  'meeting_participants',
  'meeting_tasks',
  'meeting_votes',
  'meeting_speeches',
  'users',
  'departments',
  'agencies',
  'senders',
  'saved_searches',
  'holidays',
  'access_tokens',
];

async function rowCounts(): Promise<Record<string, number>> {
  const sql = `SELECT ${MAIN_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`;
  const [row] = await db().query<Record<string, number | string>>(sql, {
    type: QueryTypes.SELECT,
  });
  return Object.fromEntries(MAIN_TABLES.map((t) => [t, Number(row[t])]));
}

/** A request of the sweep: where, by whom, and what it carries. */
interface Variant {
  label: string;
  path: string;
  query?: string;
  /** Path variants and other agencies' actors must be refused (4xx), not merely survive. */
  mustRefuse?: boolean;
  actor?: SignedInActor;
  method?: string;
  form?: [string, string][];
  json?: unknown;
  raw?: { type: string; body: string };
  multipart?: { fields: [string, string][]; files: Upload[] };
}

const isApi = (path: string) => path.startsWith('/api/');
const randomAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

function fillPath(
  path: string,
  params: Record<string, string | number>,
  hostile?: [string, string],
) {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (hostile && hostile[0] === name) return encodePathValue(hostile[1]);
    if (params[name] === undefined) throw new Error(`No value for :${name} in ${path}`);
    return encodeURIComponent(String(params[name]));
  });
}

/** The case of a route the sweep starts from, and the actor allowed to make its request. */
function startingPoint(entry: MatrixEntry): { c: MatrixCase; actor: SignedInActor } {
  const c = entry.cases[0];
  const allowed = c.allowed.filter((a): a is SignedInActor => a !== 'anonymous');
  const own = allowed.find((a) => !a.startsWith('foreign'));
  return { c, actor: own ?? allowed[0] ?? 'clerk' };
}

/** Another agency's actor of the same kind, when the case refuses them. */
function foreignActor(c: MatrixCase, actor: SignedInActor): SignedInActor | null {
  const order: SignedInActor[] =
    actor === 'admin' ? ['foreignAdmin', 'foreignClerk'] : ['foreignClerk', 'foreignAdmin'];
  return order.find((a) => !c.allowed.includes(a as ActorName)) ?? null;
}

const formPairs = (body: Record<string, unknown> = {}): [string, string][] =>
  Object.entries(body).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((x) => [k, String(x)] as [string, string]) : [[k, String(v)]],
  );

function withField(pairs: [string, string][], name: string, value: string | string[]) {
  const rest = pairs.filter(([k]) => k !== name);
  const values = Array.isArray(value) ? value : [value];
  return [...rest, ...values.map((v) => [name, v] as [string, string])];
}

/** Every hostile variant of one route's valid request. */
function variantsOf(entry: MatrixEntry, c: MatrixCase, actor: SignedInActor, prep: Prepared) {
  const params = prep.params ?? {};
  const valid = fillPath(entry.path, params);
  const api = isApi(entry.path);
  // Path, actor and method variants carry the valid request's body: only the variant is wrong.
  const carried: Partial<Variant> = prep.multipart
    ? { multipart: { fields: formPairs(prep.multipart.fields), files: prep.multipart.files } }
    : api
      ? { json: prep.body ?? {} }
      : { form: formPairs(prep.body) };
  const out: Variant[] = [];
  for (const name of entry.path.match(/:([A-Za-z]+)/g)?.map((p) => p.slice(1)) ?? [])
    for (const value of HOSTILE_PATH_VALUES)
      out.push({
        ...carried,
        label: `:${name} = ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)}`,
        path: fillPath(entry.path, params, [name, value]),
        mustRefuse: true,
      });
  const foreign = entry.path.includes(':') ? foreignActor(c, actor) : null;
  if (foreign)
    out.push({
      ...carried,
      label: `another agency's ${foreign}`,
      path: valid,
      actor: foreign,
      mustRefuse: true,
    });
  // Methods the path has no route for (another entry of the table may hold one).
  const routed = (m: string) => MATRIX.some((e) => e.path === entry.path && e.method === m);
  for (const method of ['PUT', 'PATCH', 'DELETE'].filter((m) => !routed(m)))
    out.push({ label: `${method} (no such route)`, path: valid, method, mustRefuse: true });

  if (entry.method === 'GET') {
    for (const q of hostileQueries(queryParamsOf(entry.path)))
      out.push({ label: `query: ${q.label}`, path: valid, query: q.query });
    for (const name of queryParamsOf(entry.path))
      out.push({ label: `query ${name}[]`, path: valid, query: `${name}[]=a&${name}=b` });
    return out;
  }

  if (prep.multipart) {
    const fields = formPairs(prep.multipart.fields);
    const files = prep.multipart.files;
    const fileField = files[0]?.field ?? 'file';
    for (const f of hostileFiles(fileField))
      out.push({ label: `files: ${f.label}`, path: valid, multipart: { fields, files: f.files } });
    out.push({ label: 'multipart: no fields', path: valid, multipart: { fields: [], files } });
    for (const extra of EXTRA_FIELDS)
      out.push({
        label: `multipart ${extra.label}`,
        path: valid,
        multipart: {
          fields: extra.names.reduce((f, n) => withField(f, n, extra.value), fields),
          files,
        },
      });
    for (const [name] of new Map(fields))
      for (const v of FORM_FIELD_VALUES)
        out.push({
          label: `multipart ${name} = ${v.label}`,
          path: valid,
          multipart: { fields: withField(fields, name, v.value), files },
        });
    return out;
  }

  const body = prep.body ?? {};
  const names = Object.keys(body).length ? Object.keys(body) : ['id'];
  if (api) {
    out.push({ label: 'body: empty object', path: valid, json: {} });
    for (const raw of RAW_JSON_BODIES) out.push({ label: `body: ${raw.label}`, path: valid, raw });
    out.push({
      label: 'body: a 1 MB string',
      path: valid,
      json: { ...body, [names[0]]: 'x'.repeat(1024 * 1024) },
    });
    for (const extra of EXTRA_FIELDS)
      out.push({
        label: extra.label,
        path: valid,
        json: { ...body, ...Object.fromEntries(extra.names.map((n) => [n, extra.value])) },
      });
    for (const name of names)
      for (const v of JSON_FIELD_VALUES)
        out.push({
          label: `${name} = ${v.label}`,
          path: valid,
          json: { ...body, [name]: v.value },
        });
    return out;
  }
  const pairs = formPairs(body);
  out.push({ label: 'form: empty', path: valid, form: [] });
  out.push({ label: 'form: _csrf twice', path: valid, form: [['_csrf', 'a'], ...pairs] });
  out.push({
    label: 'form: a 1 MB field',
    path: valid,
    form: withField(pairs, names[0], 'x'.repeat(1024 * 1024)),
  });
  out.push({
    label: 'form: JSON instead',
    path: valid,
    raw: { type: 'application/json', body: JSON.stringify([body]) },
  });
  for (const extra of EXTRA_FIELDS)
    out.push({
      label: extra.label,
      path: valid,
      form: extra.names.reduce((f, n) => withField(f, n, extra.value), pairs),
    });
  for (const name of names)
    for (const v of FORM_FIELD_VALUES)
      out.push({
        label: `${name} = ${v.label}`,
        path: valid,
        form: withField(pairs, name, v.value),
      });
  return out;
}

/** An event stream that stays open is read as an answer 200 once it has not ended in 3 s. */
async function answerOf(pending: Promise<Response>): Promise<Response> {
  try {
    return await pending;
  } catch (err) {
    if ((err as { timeout?: number }).timeout)
      return { status: 200, text: '', headers: {}, body: {} } as unknown as Response;
    throw err;
  }
}

async function send(
  world: MatrixWorld,
  entry: MatrixEntry,
  c: MatrixCase,
  actor: SignedInActor,
  v: Variant,
): Promise<Response> {
  const who = v.actor ?? actor;
  const method = (v.method ?? entry.method).toLowerCase() as
    'get' | 'post' | 'put' | 'patch' | 'delete';
  const url = v.query ? `${v.path}?${v.query}` : v.path;
  const address = randomAddress();
  const stream = /\/events$/.test(entry.path) ? 3000 : 60_000;
  if (isApi(entry.path)) {
    const api = request(world.app);
    let req: Test = api[method](url)
      .set('Authorization', `Bearer ${world.tokens[who]}`)
      .set('X-Forwarded-For', address)
      .timeout(stream);
    if (v.raw) return req.set('Content-Type', v.raw.type).send(v.raw.body);
    if (v.multipart) {
      for (const [k, val] of v.multipart.fields) req = req.field(k, val);
      for (const f of v.multipart.files) req = req.attach(f.field, f.buffer, f.name);
      return req;
    }
    return v.json === undefined ? req : req.send(v.json as object);
  }
  const session =
    c.freshSession && !v.actor
      ? await freshSession(world.app, world.users[who])
      : world.sessions[who];
  let req: Test = session.agent[method](url).set('X-Forwarded-For', address).timeout(stream);
  if (method === 'get') return req;
  if (v.raw) return req.set('Content-Type', v.raw.type).send(v.raw.body);
  if (v.multipart) {
    req = req.field('_csrf', session.csrf);
    for (const [k, val] of v.multipart.fields) req = req.field(k, val);
    for (const f of v.multipart.files) req = req.attach(f.field, f.buffer, f.name);
    return req;
  }
  const form = new URLSearchParams([['_csrf', session.csrf], ...(v.form ?? [])]).toString();
  return req.type('form').send(form);
}

describe('Hostile input on every route', function () {
  this.timeout(300_000);
  let world: MatrixWorld;
  let requests = 0;
  useMatrixWorld((w) => (world = w));

  after(() => {
    console.log(`      hostile sweep: ${MATRIX.length} routes, ${requests} requests`);
  });

  it('sweeps every route the app answers', async () => {
    const { app } = await testApp();
    const swept = new Set(MATRIX.map((e) => routeKey(e.method, e.path)));
    const missing = listRoutes(app)
      .map((r) => routeKey(r.method, r.path))
      .filter((r) => !swept.has(r));
    expect(missing).to.deep.equal([]);
  });

  for (const entry of MATRIX) {
    it(`${entry.method} ${entry.path}`, async () => {
      const { c, actor } = startingPoint(entry);
      const prep = c.prepare ? await c.prepare(world, actor) : {};
      const problems: string[] = [];
      try {
        for (const v of variantsOf(entry, c, actor, prep)) {
          const writes = entry.method !== 'GET' && !v.method;
          const before = writes ? [await rowCounts(), await prep.state?.()] : null;
          if (process.env.HOSTILE_TRACE) console.log(`      → ${v.label}`);
          const res = await answerOf(send(world, entry, c, actor, v));
          requests += 1;
          const say = (p: string) => {
            problems.push(`${v.label}: ${p}`);
            if (process.env.HOSTILE_TRACE)
              console.log(`        ${res.status} ${res.text?.slice(0, 2000)}`);
          };
          for (const p of answerProblems(res, isApi(entry.path))) say(p);
          if (v.mustRefuse && (res.status < 400 || res.status >= 500))
            say(
              `expected a 4xx refusal, got ${res.status} ${String(res.headers.location ?? '').slice(0, 80)}`,
            );
          if (res.status === 303 && !isApi(entry.path)) {
            // A message queued for the next page is taken now: left in the session, it would
            // show on a later route's page and stand in for a message that page lacks.
            const next = await world.sessions[v.actor ?? actor].agent.get(
              String(res.headers.location),
            );
            // A refusal said only on the next page answered the request as a success.
            if (/class="flash flash-error" role="alert"/.test(next.text ?? ''))
              say(
                `refused with a redirect to ${String(res.headers.location).slice(0, 60)}, not a 4xx`,
              );
          }
          // A request on a session of its own may end in a new password: put it back for the next.
          if (c.freshSession) await prep.cleanup?.();
          if (before && res.status >= 400 && res.status < 500) {
            const after = [await rowCounts(), await prep.state?.()];
            if (!isDeepStrictEqual(after, before))
              say(
                `refused with ${res.status} but wrote: ${JSON.stringify(after[0])} vs ${JSON.stringify(before[0])}`,
              );
          }
        }
      } finally {
        await prep.cleanup?.();
        // Wrong PINs lock the signer: the next routes' fixtures sign with the same people.
        await SignerCredential.update(
          { failedPinCount: 0, pinLockedUntil: null },
          {
            where: {
              [Op.or]: [{ failedPinCount: { [Op.gt]: 0 } }, { pinLockedUntil: { [Op.ne]: null } }],
            },
          },
        );
      }
      if (problems.length) expect.fail(`${problems.length} problems:\n${problems.join('\n')}`);
    });
  }

  describe('the shared guards the sweep relies on', () => {
    it('reads an id from an address only as the app writes one', () => {
      for (const value of [...HOSTILE_PATH_VALUES, '01', '0x10', '1 ', '+1', '2147483647 '])
        expect(parseId(value), JSON.stringify(value.slice(0, 20))).to.equal(null);
      expect(parseId('1')).to.equal(1);
      expect(parseId('2147483647')).to.equal(2_147_483_647);
    });

    it("answers a value the database's column cannot hold with a 422, not a 500", async function () {
      const { dialect } = await testApp();
      // SQLite stores any number in any column; only MariaDB refuses one past INT.
      if (dialect !== 'mysql') this.skip();
      // One connection for the temporary table: a transaction holds it.
      const refused = await db().transaction(async (transaction) => {
        await db().query('CREATE TEMPORARY TABLE hostile_int (n INT NOT NULL)', { transaction });
        return db()
          .query('INSERT INTO hostile_int (n) VALUES (2147483648)', { transaction })
          .then(
            () => null,
            (err: unknown) => err,
          );
      });
      expect(refused, 'MariaDB in strict mode refuses it').to.be.instanceOf(Error);
      const answer = toAppError(refused);
      expect([answer.status, answer.code]).to.deep.equal([422, 'VALUE_OUT_OF_RANGE']);
    });
  });
});
