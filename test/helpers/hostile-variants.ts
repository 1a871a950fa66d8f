/**
 * The hostile variants of one route's valid request (from the policy matrix's fixtures) and the
 * checks every answer to them must pass (test/integration/hostile-routes.test.ts): no 5xx, no
 * stack trace, a Vietnamese message with a 4xx (the error page or a form's error for pages,
 * {error:{code,message}} for the API).
 */
import type { Response } from 'supertest';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { UserFilterSchema } from '../../src/users/users.schemas.js';
import { MeetingListQuery } from '../../src/meetings/meetings.prepare.schemas.js';
import { OnTimeQuerySchema } from '../../src/reports/on-time.period.js';
import { TaskListQuerySchema } from '../../src/meetings/tasks.schemas.js';
import { WeekQuerySchema } from '../../src/meetings/meetings.calendar.routes.js';
import { AuditFilterSchema } from '../../src/audit/audit-query.js';
import { OutgoingListQuerySchema } from '../../src/api/outgoing.json.js';
import type { Upload } from './matrix-runner.js';

/** Markup that must never come back as markup (in an error page, a form's value, a link). */
export const XSS = '<script>alert(1)</script>';

/** Path parameters no route may take for an id (or a token, or a file name). */
export const HOSTILE_PATH_VALUES: readonly string[] = [
  '0',
  '-1',
  '2147483648',
  '99999999999999999999',
  'abc',
  '1.5',
  '1e3',
  ' 1',
  '%2e%2e',
  '../../etc/passwd',
  XSS,
  'x'.repeat(5000),
];

/** A path parameter as it goes into the address ('%2e%2e' is sent as it is: already encoded). */
export const encodePathValue = (value: string) =>
  value === '%2e%2e' ? value : encodeURIComponent(value);

const keys = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
const FILE_QUERY = ['download'];
const REGISTER_QUERY = ['kind', 'from', 'to', 'page'];

/** The query parameters each GET route reads (its zod schema's keys or what its handler reads). */
export const QUERY_PARAMS: Record<string, string[]> = {
  '/incoming': keys(ListQuerySchema),
  '/incoming/export.xlsx': keys(ListQuerySchema),
  '/api/v1/incoming/': keys(ListQuerySchema),
  '/admin/users': keys(UserFilterSchema),
  '/directory': ['q'],
  '/meetings': keys(MeetingListQuery),
  '/api/v1/meetings/': keys(MeetingListQuery),
  '/reports/on-time': keys(OnTimeQuerySchema),
  '/reports/on-time.xlsx': keys(OnTimeQuerySchema),
  '/reports/on-time/documents': keys(OnTimeQuerySchema),
  '/reports/on-time/documents.xlsx': keys(OnTimeQuerySchema),
  '/meetings/tasks/report': keys(OnTimeQuerySchema),
  '/meetings/tasks/report.xlsx': keys(OnTimeQuerySchema),
  '/api/v1/meetings/tasks/report': keys(OnTimeQuerySchema),
  '/meetings/tasks': keys(TaskListQuerySchema),
  '/api/v1/meetings/tasks': keys(TaskListQuerySchema),
  '/calendar/week': keys(WeekQuerySchema),
  '/api/v1/meetings/calendar/week': keys(WeekQuerySchema),
  '/admin/audit': keys(AuditFilterSchema),
  '/outgoing': keys(OutgoingListQuerySchema),
  '/outgoing/export.xlsx': keys(OutgoingListQuerySchema),
  '/api/v1/outgoing/': keys(OutgoingListQuerySchema),
  '/registers': REGISTER_QUERY,
  '/registers/:file': REGISTER_QUERY,
  '/senders': ['q'],
  '/senders/lookup': ['q'],
  '/admin/holidays': ['year'],
  '/login': ['next'],
  '/verify': ['format'],
  '/outgoing/:id/compare': ['from', 'to'],
  '/meetings/:id/events': ['lastEventId'],
  '/api/v1/meetings/:id/events': ['lastEventId'],
  '/meetings/:id/minutes': ['skeleton'],
  '/incoming/:id/files/:fileId': FILE_QUERY,
  '/incoming/arrivals/:id/files/:fileId': FILE_QUERY,
  '/outgoing/:id/files/:fileId': FILE_QUERY,
  '/meetings/:id/documents/:documentId/file': FILE_QUERY,
  '/api/v1/meetings/:id/documents/:documentId/file': FILE_QUERY,
};

/**
 * The query parameters of a route: its own, a list export's its list's, else the ones most lists
 * and pages read.
 */
export const queryParamsOf = (path: string) =>
  QUERY_PARAMS[path] ?? QUERY_PARAMS[path.replace(/\/export\.xlsx$/, '')] ?? ['page', 'q', 'tab'];

/** One hostile value for every parameter at once, as a query string (no leading '?'). */
export function hostileQueries(names: string[]): { label: string; query: string }[] {
  const each = (f: (n: string) => string) => names.map(f).join('&');
  // Long, but the whole address under Node's 16 KB for a request's head (past it the server
  // answers 431 before the app, with its own page: src/http/client-error.ts).
  const long = 'x'.repeat(Math.min(5000, Math.floor(12_000 / names.length)));
  return [
    { label: 'arrays x[]=', query: each((n) => `${n}[]=1&${n}[]=2`) },
    { label: 'repeated x=&x=', query: each((n) => `${n}=1&${n}=2`) },
    { label: 'objects x[a]=', query: each((n) => `${n}[a]=1&${n}[b][c]=2`) },
    { label: 'long values', query: each((n) => `${n}=${long}`) },
    { label: 'invalid dates', query: each((n) => `${n}=31%2F02%2F2026`) },
    { label: 'invalid ISO dates', query: each((n) => `${n}=2026-13-45`) },
    { label: 'negative numbers', query: each((n) => `${n}=-1`) },
    { label: 'huge numbers', query: each((n) => `${n}=99999999999999999999`) },
    { label: 'words', query: each((n) => `${n}=abc`) },
    { label: 'empty values', query: each((n) => `${n}=`) },
    { label: 'markup', query: each((n) => `${n}=${encodeURIComponent(XSS)}`) },
  ];
}

const LONG = 'Đ'.repeat(100_000);
/** Hostile values of one form field (a form's fields are strings, repeated for an array). */
export const FORM_FIELD_VALUES: { label: string; value: string | string[] }[] = [
  { label: 'an array', value: ['1', '2'] },
  { label: 'a 100,000-character string', value: LONG },
  { label: 'an invalid date', value: '31/02/2026' },
  { label: 'an invalid ISO date', value: '2026-13-45' },
  { label: 'a value of no enum', value: 'gia-tri-la' },
  { label: 'a negative number', value: '-1' },
  { label: 'a number past INT', value: '2147483648' },
  { label: 'a number past BIGINT', value: '99999999999999999999' },
  { label: 'markup', value: XSS },
];

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
};

/** Hostile values of one JSON field. */
export const JSON_FIELD_VALUES: { label: string; value: unknown }[] = [
  { label: 'an array', value: ['1', '2'] },
  { label: 'an object', value: { a: { b: 1 } } },
  { label: 'a 100,000-character string', value: LONG },
  { label: 'an invalid date', value: '31/02/2026' },
  { label: 'an invalid ISO date', value: '2026-13-45' },
  { label: 'a value of no enum', value: 'gia-tri-la' },
  { label: 'a negative number', value: -1 },
  { label: 'a number past INT', value: 2147483648 },
  { label: 'a huge number', value: 1e308 },
  { label: 'null', value: null },
  { label: 'nested 1,000 deep', value: nested(1000) },
];

/**
 * Fields the app's schemas read that a route's valid request may leave out (dates and bounded
 * numbers): sent with hostile values beside the valid fields, since a schema reads them too.
 */
export const EXTRA_FIELDS: { label: string; names: string[]; value: string }[] = [
  ...['31/02/2026', '2026-13-45', '99/99/9999 25:61'].map((value) => ({
    label: `date fields = ${value}`,
    names: [
      'deadline',
      'arrivalDate',
      'promulgationDate',
      'urgentDeliverBy',
      'supportDeadline',
      'leadDeadline',
      'dueDate',
      'startsAt',
      'endsAt',
      'date',
      'expiresAt',
      'from',
      'to',
    ],
    value,
  })),
  ...['2147483648', '-1', '1e309'].map((value) => ({
    label: `number fields = ${value}`,
    names: [
      'percent',
      'voteWeight',
      'plannedMinutes',
      'minutes',
      'days',
      'position',
      'toPosition',
      'version',
      'year',
      'page',
      'userId',
      'departmentId',
      'leaderId',
      'assignmentId',
      'itemId',
      'roomId',
      'participantId',
    ],
    value,
  })),
];

/** Raw JSON bodies that are not an object of fields. */
export const RAW_JSON_BODIES: { label: string; type: string; body: string }[] = [
  { label: 'a body that is not JSON', type: 'application/json', body: '{"a": tru' },
  { label: 'a JSON array', type: 'application/json', body: '[1,2,3]' },
  { label: 'a JSON string', type: 'application/json', body: '"chuoi"' },
  { label: 'JSON null', type: 'application/json', body: 'null' },
  {
    label: 'JSON nested 20,000 deep',
    type: 'application/json',
    body: `{"a":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`,
  },
  { label: 'text/plain', type: 'text/plain', body: 'khong phai json' },
  { label: 'XML', type: 'application/xml', body: '<a>1</a>' },
];

/** Hostile file parts for a multipart route (instead of its valid file). */
export function hostileFiles(field: string): { label: string; files: Upload[] }[] {
  return [
    { label: 'no file', files: [] },
    { label: 'an empty file', files: [{ field, buffer: Buffer.alloc(0), name: 'rong.pdf' }] },
    {
      label: 'a zip named .pdf',
      files: [{ field, buffer: Buffer.from('PK\u0003\u0004 khong phai PDF'), name: 'gia.pdf' }],
    },
    {
      label: 'a text named .pdf',
      files: [{ field, buffer: Buffer.from('%PDF-1.7\nchi co phan dau'), name: 'cut.pdf' }],
    },
  ];
}

const STACK = /\bat .*\.(ts|js):\d+|\bat (async )?[\w.<>]+ \(|node_modules\//;
const LEAKS =
  /SequelizeDatabaseError|SequelizeValidationError|SQLITE_[A-Z]+|\bER_[A-Z_]{3,}|\bError: |TypeError|ReferenceError|RangeError|SyntaxError: |ZodError|Cannot read propert|is not a function|undefined is not/;
// A validator's or framework's own English (never meant for people).
const RAW_ENGLISH =
  /Invalid input|Expected [a-z]+, received|Too (small|big): |Unexpected token|Cannot (GET|POST|PUT|DELETE|PATCH) \/|Internal Server Error|Bad Request|Not Found<|Payload Too Large|Unsupported Media Type/;
const UNTRANSLATED =
  /(^|[>\s"])(errors|forms|common|incoming|outgoing|meetings|admin):[A-Za-z_.]{3,}/;
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The message a page shows for a refusal: the error page's, else its form's errors. */
function pageMessages(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /data-testid="error-message"[^>]*>([\s\S]*?)<\/p>/g,
    /data-testid="form-error"[^>]*>([\s\S]*?)<\/div>/g,
    /class="[^"]*field-error[^"]*"[^>]*>([\s\S]*?)<\/(span|p|div|li|small)>/g,
    /role="alert"[^>]*>([\s\S]*?)<\/(div|p|span)>/g,
    /class="flash[^"]*"[^>]*>([\s\S]*?)<\/div>/g,
  ];
  for (const pattern of patterns)
    for (const m of html.matchAll(pattern)) {
      const text = decode(m[1]);
      if (text) found.push(text);
    }
  return found;
}

/** What is wrong with one answer (empty when it is fine). */
export function answerProblems(res: Response, api: boolean): string[] {
  const problems: string[] = [];
  const text = res.text ?? '';
  if (res.status >= 500) problems.push(`server error ${res.status}: ${text.slice(0, 300)}`);
  // In a page only: JSON, a calendar feed or a spreadsheet carries text, not markup.
  if (text.includes(XSS) && /^text\/html/.test(String(res.headers['content-type'])))
    problems.push('markup sent in the request came back unescaped in a page');
  if (STACK.test(text)) problems.push(`a stack trace in the body: ${text.match(STACK)![0]}`);
  const leak = text.match(LEAKS);
  if (leak && !/^application\/pdf|spreadsheet/.test(String(res.headers['content-type'])))
    problems.push(`an internal error's text in the body: ${leak[0]}`);
  if (res.status < 400 || res.status >= 500) return problems;
  if (api) {
    const error = (res.body as { error?: { code?: unknown; message?: unknown; fields?: unknown } })
      ?.error;
    if (!/json/.test(String(res.headers['content-type'])) || !error)
      problems.push(`${res.status} is not JSON {error:{code,message}}: ${text.slice(0, 200)}`);
    else {
      if (typeof error.code !== 'string' || !error.code) problems.push('error.code missing');
      if (typeof error.message !== 'string' || !VIETNAMESE.test(error.message))
        problems.push(`error.message is not Vietnamese: ${String(error.message)}`);
      const fields = Object.values((error.fields ?? {}) as Record<string, unknown>);
      const bad = fields.find((m) => typeof m !== 'string' || !VIETNAMESE.test(m));
      if (bad !== undefined) problems.push(`a field's message is not Vietnamese: ${String(bad)}`);
    }
    return problems;
  }
  const raw = text.match(RAW_ENGLISH) ?? text.match(UNTRANSLATED);
  if (raw) problems.push(`raw or untranslated text in the page: ${raw[0]}`);
  const messages = pageMessages(text);
  if (!messages.length) problems.push(`${res.status} page shows no error message`);
  else if (!messages.some((m) => VIETNAMESE.test(m)))
    problems.push(
      `${res.status} page's message is not Vietnamese: ${messages.join(' | ').slice(0, 200)}`,
    );
  return problems;
}
