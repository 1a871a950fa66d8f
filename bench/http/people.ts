/**
 * The people of bench:http: each signs in through the login form (a session of their own), finds
 * their documents as they would (their list, then a document's page for its file), and from that
 * the requests they make: their list, their documents' pages, searches and files. The writers
 * register, present and direct documents through the forms at a steady rate during the runs.
 */
import type { Entry } from './measure.js';

export interface Person {
  username: string;
  role: string;
  cookie: string;
  csrf: string;
  documentIds: number[];
  files: string[];
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** Signs in through the login form; returns the session cookie. */
export async function login(base: string, username: string, password: string): Promise<string> {
  const page = await fetch(`${base}/login`);
  const cookie = cookiesOf(page);
  const csrf = csrfOf(await page.text());
  if (!csrf) throw new Error('No CSRF token on the login page');
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password }),
  });
  if (res.status !== 303) throw new Error(`Login of ${username} failed: ${res.status}`);
  return cookiesOf(res);
}

async function page(base: string, path: string, cookie: string): Promise<string> {
  const res = await fetch(base + path, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** The reason a form gives for refusing a post (its alert or duplicate warning), else its start. */
// The page's message: its alert, else the text of its main part (an error page's explanation).
const whyRefused = (html: string) =>
  (
    /role="alert"[^>]*>([^<]+)</.exec(html)?.[1] ??
    (/<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 200)
  ).trim();

const idsIn = (html: string) => [
  ...new Set([...html.matchAll(/href="\/incoming\/(\d+)"/g)].map((m) => Number(m[1]))),
];

/**
 * Signs everyone in (`parallel` at a time) and finds what each works on: the documents of their
 * list (their default tab, else every document they see) and a file of one of them.
 */
export async function signIn(
  base: string,
  people: { username: string; role: string }[],
  password: string,
  parallel = 8,
): Promise<Person[]> {
  const signed: Person[] = [];
  let next = 0;
  const worker = async () => {
    while (next < people.length) {
      const { username, role } = people[next++];
      const cookie = await login(base, username, password);
      const list = await page(base, '/incoming', cookie);
      let documentIds = idsIn(list);
      if (documentIds.length === 0)
        documentIds = idsIn(await page(base, '/incoming?tab=all', cookie));
      const files: string[] = [];
      if (documentIds.length) {
        const detail = await page(base, `/incoming/${documentIds[0]}`, cookie);
        const file = /href="(\/incoming\/\d+\/files\/\d+)"/.exec(detail)?.[1];
        if (file) files.push(file);
      }
      signed.push({ username, role, cookie, csrf: csrfOf(list) ?? '', documentIds, files });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return signed.sort((a, b) => a.username.localeCompare(b.username));
}

/** What people type in the search box: words with and without accents, numbers, symbols. */
export const SEARCHES = [
  'quyết định',
  'ngan sach',
  'KẾ HOẠCH ĐẦU TƯ',
  'thiên tai',
  'UBND',
  'báo cáo tình hình',
  '1234/QĐ',
  'so tai chinh',
];

/**
 * The requests of one kind, one per person and variant, interleaved so that consecutive ones
 * come from different people: "list" (their own list: their first tab, or "all"), "detail" (their documents' pages), "search" (a search among
 * everything they see ("all", which everyone has since session 20; before, a specialist's or a
 * head's "all" fell back to their first tab), or among what they have done), "file" (a
 * document's PDF).
 */
export function entriesOf(kind: string, people: Person[], variants = 3): Entry[] {
  const entries: Entry[] = [];
  for (let v = 0; v < variants; v++) {
    people.forEach((p, i) => {
      const ids = p.documentIds;
      const path =
        kind === 'list'
          ? v % 2
            ? '/incoming?tab=all'
            : '/incoming'
          : kind === 'detail'
            ? ids.length
              ? `/incoming/${ids[(v * 7 + i) % ids.length]}`
              : null
            : kind === 'search'
              ? `/incoming?tab=${v % 2 ? 'done' : 'all'}&q=${encodeURIComponent(SEARCHES[(v + i) % SEARCHES.length])}`
              : p.files.length
                ? p.files[0]
                : null;
      if (path) entries.push({ kind, path, cookie: p.cookie, who: p.role });
    });
  }
  return entries;
}

/** The day's mix: of ten requests, four lists, three document pages, two searches, one file. */
export function mixedEntries(people: Person[]): Entry[] {
  const lists = entriesOf('list', people, 4);
  const details = entriesOf('detail', people, 3);
  const searches = entriesOf('search', people, 2);
  const files = entriesOf('file', people, 1);
  const out: Entry[] = [];
  const all = [lists, details, searches, files];
  for (let i = 0; all.some((a) => i < a.length); i++)
    for (const a of all) if (i < a.length) out.push(a[i]);
  return out;
}

// Numbers and symbols unique across every writer of the run (a repeat is refused as a duplicate).
let writeTurn = 0;
const runTag = Date.now().toString(36).toUpperCase();

export interface WriteFigures {
  registered: number;
  presented: number;
  directed: number;
  failed: number;
  failures: string[];
  latencies: number[];
}

export interface WriterSetup {
  clerks: Person[];
  leaders: Person[];
  /** Leaders' user ids by username; departments a direction may name. */
  leaderIds: Map<string, number>;
  departmentIds: number[];
  pdf: Buffer;
}

/**
 * Registers a document, presents it to a leader and has the leader direct it to a department,
 * through the pages' forms, every `everyMs` (one pipeline at a time: a slow one delays the next).
 * Returns stop(), which resolves with what was written.
 */
export function startWriters(base: string, setup: WriterSetup, everyMs: number) {
  const figures: WriteFigures = {
    registered: 0,
    presented: 0,
    directed: 0,
    failed: 0,
    failures: [],
    latencies: [],
  };
  let running = true;
  const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
  const inTenDays = new Date(Date.now() + (7 * 3_600_000 + 10 * 86_400_000))
    .toISOString()
    .slice(0, 10);
  const post = async (path: string, cookie: string, body: FormData | URLSearchParams) => {
    const t0 = performance.now();
    const res = await fetch(base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie },
      body,
    });
    const text = await res.text();
    figures.latencies.push(performance.now() - t0);
    if (res.status !== 303) {
      figures.failed += 1;
      if (figures.failures.length < 5)
        figures.failures.push(`${res.status} ${path}: ${whyRefused(text)}`);
      return null;
    }
    return res.headers.get('location');
  };
  const pipeline = async () => {
    const k = writeTurn++;
    const clerk = setup.clerks[k % setup.clerks.length];
    const leader = setup.leaders[k % setup.leaders.length];
    const form = new FormData();
    form.append('_csrf', clerk.csrf);
    form.append('arrivalDate', today);
    form.append('fromOrganName', 'Sở Tài chính tỉnh Hà Tĩnh');
    form.append('codeNumber', String(k + 1));
    form.append('codeNotation', `STC-B${runTag}`);
    form.append('documentType', 'CV');
    form.append('subject', `V/v đề nghị báo cáo số liệu kế hoạch ngân sách (benchmark ${k})`);
    form.append('urgency', '0');
    form.append('confidentiality', '0');
    form.append(
      'files',
      new Blob([new Uint8Array(setup.pdf)], { type: 'application/pdf' }),
      'cong-van.pdf',
    );
    const location = await post('/incoming', clerk.cookie, form);
    const id = location && /\/incoming\/(\d+)/.exec(location)?.[1];
    if (!id) return;
    figures.registered += 1;
    const presented = await post(
      `/incoming/${id}/present`,
      clerk.cookie,
      new URLSearchParams({
        _csrf: clerk.csrf,
        leaderId: String(setup.leaderIds.get(leader.username)),
      }),
    );
    if (!presented) return;
    figures.presented += 1;
    const department = setup.departmentIds[k % setup.departmentIds.length];
    const directed = await post(
      `/incoming/${id}/direct`,
      leader.cookie,
      new URLSearchParams({
        _csrf: leader.csrf,
        note: 'Giao phòng chủ trì tham mưu, báo cáo kết quả.',
        lead: `d:${department}`,
        leadDeadline: inTenDays,
      }),
    );
    if (directed) figures.directed += 1;
  };
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await pipeline().catch((err: unknown) => {
        figures.failed += 1;
        if (figures.failures.length < 5) figures.failures.push(String(err));
      });
      const wait = everyMs - (performance.now() - started);
      if (wait > 0 && running) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    figures,
    stop: async (): Promise<WriteFigures> => {
      running = false;
      await loop;
      return figures;
    },
  };
}
