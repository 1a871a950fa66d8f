/**
 * What a page says to its reader, and what in it is in the wrong language: the UI text of a
 * rendered page (text nodes and the attributes a person sees or hears), less the data the test
 * seeded (every text stored in the database), then Vietnamese words on an English page or
 * common English UI words on a Vietnamese one.
 */
import { X509Certificate } from 'node:crypto';
import { Op, QueryTypes, type Sequelize } from 'sequelize';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { i18n } from '../../src/i18n/index.js';
import { RECEIVED_DOCUMENT_TYPES } from '../../src/documents/document-types.js';
import { stepTitleIn } from '../../src/approvals/step-titles.js';

/** A letter only Vietnamese uses among the two languages (its tone marks, ă â ê ô ơ ư, đ). */
export const VIETNAMESE_LETTER =
  /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/iu;

// Attributes a person sees (a tooltip, a placeholder) or hears (a screen reader), and those the
// scripts put on the page (a confirmation, a live label).
const VISIBLE_ATTRIBUTES =
  /^(title|placeholder|aria-label|aria-valuetext|alt|data-(confirm|phrase|error-text|[\w-]*-label|search-[\w-]+|no-match|t-[\w-]+|live|lost|somebody))$/i;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  laquo: '«',
  raquo: '»',
  middot: '·',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  times: '×',
  larr: '←',
  rarr: '→',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
      );
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const VOID_ELEMENTS = /^(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)$/i;

/**
 * The page's UI text, one fragment a line: scripts' code and styles dropped (JSON data
 * included), the visible attributes' values kept. An element marked as not the page's words is
 * dropped with all it holds: translate="no" (a document's own text, shown as written) or
 * lang="vi" on an English page (the language switch, naming each language in itself).
 */
export function visibleText(html: string, lng: 'vi' | 'en'): string[] {
  const h = html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  const foreign = new RegExp(`\\s(translate="no"|lang="(?!${lng}")[a-z-]+")`, 'i');
  const out: string[] = [];
  // While inside a dropped element: its tag name and how deep in elements of that name.
  let skipping: { tag: string; depth: number } | null = null;
  for (const m of h.matchAll(/<[^>]*>|[^<]+/g)) {
    const token = m[0];
    if (token.startsWith('<')) {
      const tag = /^<\/?\s*([\w-]+)/.exec(token)?.[1]?.toLowerCase() ?? '';
      const closing = token.startsWith('</');
      const opens = !closing && !VOID_ELEMENTS.test(tag) && !token.endsWith('/>');
      if (skipping) {
        if (tag === skipping.tag && opens) skipping.depth++;
        if (tag === skipping.tag && closing && --skipping.depth === 0) skipping = null;
        continue;
      }
      if (opens && foreign.test(token)) {
        skipping = { tag, depth: 1 };
        continue;
      }
      for (const a of token.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        const visible =
          VISIBLE_ATTRIBUTES.test(a[1]) ||
          (a[1].toLowerCase() === 'value' &&
            /^<input\b[^>]*type="(submit|button|reset)"/i.test(token));
        if (visible) out.push(decodeEntities(a[3] ?? a[4] ?? ''));
      }
    } else if (!skipping) out.push(decodeEntities(token));
  }
  return out.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/*
 * Not data: the audit log's rows are read through their labels (a detail left as its code would
 * hide behind itself), and the texts their details copy are in their own tables too.
 */
const SKIPPED_TABLES = /^(SequelizeMeta|sessions|audit_logs)$/i;
// Texts the app makes itself and stores: a register's name (Decree 30's, with its year), the
// title of a step it adds to a chain (the fixtures' own titles stay data).
const generated = (title: unknown) =>
  typeof title === 'string' && stepTitleIn(title, () => '') !== title;
const SKIPPED: Record<string, (value: unknown) => boolean> = {
  'registers.name': () => true,
  'approval_steps.title': generated,
};

/** Every text of every row: JSON columns' texts, each line of a long text, certificates' names. */
export async function storedTexts(sequelize: Sequelize): Promise<string[]> {
  const tables = (await sequelize.getQueryInterface().showAllTables()).map((t) =>
    typeof t === 'string' ? t : (t as { tableName: string }).tableName,
  );
  const found = new Set<string>();
  const add = (value: unknown): void => {
    if (Buffer.isBuffer(value)) {
      // A certificate's names (its holder, the CA that issued it): what it says, not the page.
      // The CA is named after the agency that first needed it, maybe renamed since.
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(value);
      } catch {
        return; // Not a certificate: bytes no page shows as text.
      }
      for (const line of `${cert.subject}\n${cert.issuer}`.split('\n'))
        add(line.slice(line.indexOf('=') + 1));
    } else if (typeof value === 'string') {
      const text = value.trim();
      // A code ('registered', 'toHandle') is not text a person reads; taking it out would take
      // the same word out of the page's own sentences.
      if (text.length < 2 || /^[a-z][A-Za-z_]*$/.test(text)) return;
      found.add(text.replace(/\s+/g, ' '));
      for (const line of text.split(/\r?\n/)) if (line.trim().length >= 2) found.add(line.trim());
      if (/^[[{]/.test(text)) {
        try {
          add(JSON.parse(text));
        } catch {
          // Not JSON: the text as it is.
        }
      }
    } else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object' && !(value instanceof Date))
      Object.values(value).forEach(add);
  };
  for (const table of tables) {
    if (SKIPPED_TABLES.test(table)) continue;
    const q = sequelize.getDialect() === 'mysql' ? `\`${table}\`` : `"${table}"`;
    const rows = await sequelize.query<Record<string, unknown>>(`SELECT * FROM ${q}`, {
      type: QueryTypes.SELECT,
    });
    for (const row of rows)
      for (const [column, value] of Object.entries(row))
        if (!SKIPPED[`${table}.${column}`]?.(value)) add(value);
  }
  // Longest first, so a name is taken out before a shorter text inside it.
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * The texts of the audit rows written before `lastId` (by other test files on the shared
 * database) that their pages show as they are: details' values without a label. Texts are taken
 * out like stored data; a one-word value ("abc", "votes") only where it is a fragment by itself,
 * so the same word in the page's own sentences is still judged.
 */
export async function earlierAuditData(
  lastId: number,
): Promise<{ texts: string[]; words: Set<string> }> {
  const texts = new Set<string>();
  const words = new Set<string>();
  const add = (key: string, value: unknown): void => {
    if (typeof value === 'string') {
      const text = value.trim().replace(/\s+/g, ' ');
      if (text.length < 2 || i18n().exists(`audit:value.${key}.${text}`)) return;
      if (/^[\p{L}\d_-]+$/u.test(text)) words.add(text);
      else {
        texts.add(text);
        for (const line of value.split(/\r?\n/))
          if (line.trim().length >= 2) texts.add(line.trim());
      }
    } else if (Array.isArray(value)) value.forEach((v) => add(key, v));
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) add(/^\d+$/.test(k) ? key : k, v);
  };
  const rows = await AuditLog.findAll({
    attributes: ['details'],
    where: { id: { [Op.lte]: lastId } },
  });
  for (const row of rows) {
    try {
      add('', JSON.parse(row.get('details') ?? 'null'));
    } catch {
      // Not JSON: the text as it is.
      add('', row.get('details'));
    }
  }
  return { texts: [...texts].sort((a, b) => b.length - a.length), words };
}

/** The text with each word (or words) taken out where it stands whole, not inside a word. */
function without(fragment: string, words: string[]): string {
  let text = fragment;
  for (const word of words) {
    if (word.length > text.length || !text.includes(word)) continue;
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    text = text.replace(new RegExp(`(?<![\\p{L}\\d])${escaped}(?![\\p{L}\\d])`, 'gu'), ' ');
  }
  return text;
}

/**
 * The UI fragments with the seeded data taken out, whole words only: the data "xu" is no reason
 * to pass "Đăng xuất". Fragments left without a letter are dropped.
 */
export function withoutData(fragments: string[], data: string[]): string[] {
  return fragments
    .map((fragment) => without(fragment, data).replace(/\s+/g, ' ').trim())
    .filter((text) => /\p{L}/u.test(text));
}

/*
 * Reviewed: what stays as it is on a page in the other language. On an English page: the
 * abbreviations of document types (Decree 30 Appendix III, "QĐ", "CĐ"), codes printed in every
 * symbol; "Communiqué", an English word; the label "Số:" quoted as the document prints it. On a
 * Vietnamese page: the names of calendar applications.
 */
const KEPT_ON_ENGLISH_PAGES = [
  ...RECEIVED_DOCUMENT_TYPES.flatMap((d) => (d.abbreviation ? [d.abbreviation] : [])),
  'Communiqué',
  '"Số:"',
];
const KEPT_ON_VIETNAMESE_PAGES = ['Google Calendar', 'Outlook'];

// Vietnamese UI words written without a mark ("Xem", "Trang 2", "Theo đơn vị" in part, a
// delegate's "(thay …)").
const PLAIN_VIETNAMESE =
  /(?<![\p{L}\d])(xem|trang|theo|giao|cho|sau|khi|tin|nhanh|ngay|thu|thay)(?![\p{L}\d])/iu;

/** Vietnamese words on an English page: the fragments they stand in. */
export function vietnameseIn(fragments: string[]): string[] {
  return fragments.filter((f) => {
    const text = without(f, KEPT_ON_ENGLISH_PAGES);
    return VIETNAMESE_LETTER.test(text) || PLAIN_VIETNAMESE.test(text);
  });
}

/*
 * English words that are UI words and nothing else on a Vietnamese page (a Vietnamese page uses
 * "Lưu", "Hủy", "Tìm kiếm"…). Loanwords Vietnamese UIs keep as they are (Email, PDF, token, QR,
 * online) are not here.
 */
const ENGLISH_UI_WORDS = [
  'save',
  'cancel',
  'delete',
  'edit',
  'search',
  'submit',
  'back',
  'next',
  'previous',
  'page',
  'status',
  'date',
  'name',
  'title',
  'download',
  'upload',
  'close',
  'loading',
  'error',
  'sign in',
  'log out',
  'logout',
  'login',
  'password',
  'username',
  'settings',
  'dashboard',
  'notifications',
  'document',
  'documents',
  'incoming',
  'outgoing',
  'meeting',
  'meetings',
  'calendar',
  'register',
  'report',
  'reports',
  'users',
  'user',
  'department',
  'agency',
  'approve',
  'reject',
  'comment',
  'add',
  'remove',
  'create',
  'update',
  'new',
  'yes',
  'none',
  'total',
  'filter',
  'export',
  'print',
  'view',
  'open',
  'details',
  'actions',
  'help',
  'required',
  'optional',
  'select',
  'choose',
  'all',
  'confirm',
  'send',
  'deadline',
  'overdue',
  'done',
  'pending',
  'draft',
  'signed',
  'issued',
  'signature',
  'seal',
  'sign',
  'vote',
  'votes',
  'minutes',
  'agenda',
  'tasks',
  'task',
  'attachments',
  'file',
  'files',
  'version',
  'compare',
  'subject',
  'summary',
  'recipients',
  'sender',
  'number',
  'the',
  'of',
  'and',
  'for',
  'with',
  'is',
  'are',
  'not',
  'this',
  'from',
  'have',
  'you',
  'your',
];
const ENGLISH_WORD = new RegExp(
  `(?<![\\p{L}\\d_./:@-])(${ENGLISH_UI_WORDS.join('|')})(?![\\p{L}\\d_@-])`,
  'iu',
);

// Codes are not words: an action code ("report.onTime.view") in a tooltip, an entity's id ("#meetings").
const CODE = /#[\w-]+|\b[A-Za-z_]\w*(\.[A-Za-z_]\w*)+\b/g;

/** English UI words on a Vietnamese page. */
export function englishIn(fragments: string[]): string[] {
  return fragments.filter((f) =>
    ENGLISH_WORD.test(without(f, KEPT_ON_VIETNAMESE_PAGES).replace(CODE, ' ')),
  );
}
