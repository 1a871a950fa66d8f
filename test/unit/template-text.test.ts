import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';

/*
 * Vietnamese first, English on request (SPEC: the UI's words come from locales/vi and
 * locales/en through the `t` helper). A word written into a template or a page script is in one
 * language whatever the reader chose: these checks find them. The rendered pages are checked in
 * both languages by test/integration/pages-english.test.ts.
 */

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, ext);
    return name.endsWith(ext) ? [full] : [];
  });
}

/*
 * Reviewed: what a template may write as it is. The brand; abbreviations read the same in both
 * languages; examples of codes in a placeholder (an agency code, a symbol's notation, the
 * abbreviations of an agency and a unit).
 */
const KEPT = ['eOffice', 'PDF', 'IP', 'https://', '000.00.00.H41', 'QĐ-UBND', 'UBND', 'VP'];

// Attributes a person sees (a tooltip, a placeholder) or hears (a screen reader), and the data
// attributes the page scripts show (a confirmation, a live label, a search field's placeholder).
const VISIBLE_ATTRIBUTE =
  /^(title|placeholder|aria-label|aria-valuetext|alt|data-(confirm|phrase|error-text|[\w-]*-label|search-[\w-]+|no-match|t-[\w-]+|live|lost|somebody))$/i;

const HOLE = '\u0001';
const hasWords = (text: string) => {
  let rest = text.split(HOLE).join(' ');
  rest = rest.replace(/&[a-z]+;|&#\d+;/gi, ' ');
  for (const kept of KEPT) rest = rest.split(kept).join(' ');
  return /\p{L}/u.test(rest);
};

/** The words a template writes itself (not through `t`), as "file:line: text". */
export function literalTexts(source: string, file = 'template'): string[] {
  const found: string[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  // Comments are kept as blanks (so the line numbers stay right).
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  let text = source.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, blank);
  text = text.replace(/<!--[\s\S]*?-->/g, blank);

  // Inside an expression: a string made of words is text that `t` does not translate (a key is
  // one token: "incoming:list.title").
  for (const m of text.matchAll(/\{\{\{?([\s\S]*?)\}?\}\}/g))
    for (const s of m[1]!.matchAll(/"([^"]*)"|'([^']*)'/g)) {
      const value = s[1] ?? s[2] ?? '';
      if (/[^\p{ASCII}]/u.test(value) || /\p{L}+\s+\p{L}+/u.test(value))
        found.push(`${file}:${lineOf(m.index!)}: ${m[0]}`);
    }

  // The expressions become holes of the same length; then the markup is read.
  text = text.replace(/\{\{\{?[\s\S]*?\}?\}\}/g, (m) => m.replace(/[^\n]/g, HOLE));
  text = text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, blank);
  // Text inside an element that names its language (lang="vi") or is code is kept as written.
  const kept: string[] = [];
  for (const m of text.matchAll(/<[^>]*>|[^<]+/g)) {
    const token = m[0];
    if (token.startsWith('<')) {
      const tag = /^<\/?\s*([\w-]+)/.exec(token)?.[1]?.toLowerCase() ?? '';
      if (token.startsWith('</')) {
        if (kept.at(-1) === tag) kept.pop();
        continue;
      }
      if (/\slang="/.test(token) || /^(code|kbd|samp)$/.test(tag)) kept.push(tag);
      for (const a of token.matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
        const name = a[1]!;
        const value = a[3] ?? a[4] ?? '';
        const visible =
          VISIBLE_ATTRIBUTE.test(name) ||
          (name === 'value' && /^<input\b[^>]*type="(submit|button|reset)"/i.test(token));
        if (visible && hasWords(value))
          found.push(
            `${file}:${lineOf(m.index! + a.index!)}: ${name}="${value.split(HOLE).join('')}"`,
          );
      }
    } else if (kept.length === 0 && hasWords(token)) {
      const at = m.index! + token.search(/\S/);
      found.push(`${file}:${lineOf(at)}: ${token.split(HOLE).join('').trim()}`);
    }
  }
  const line = (entry: string) => Number(/:(\d+):/.exec(entry)?.[1]);
  return found.sort((a, b) => line(a) - line(b));
}

/*
 * The words a page script puts on the page itself rather than taking them from the page (a
 * data-t-* attribute the template fills with `t`): a string with a Vietnamese letter anywhere, a
 * string shown by alert/confirm/prompt or written into textContent, innerText, title, placeholder
 * or aria-label, and the text and labels of the HTML a script builds.
 */
const VIETNAMESE_LETTER = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/iu;
const SINK =
  /\b(alert|confirm|prompt)\s*\(|\.(textContent|innerText|title|placeholder)\s*=|setAttribute\(\s*'(aria-label|title|placeholder|alt)'/;
// A string read from the page, or naming what is read (an attribute, an element, a key).
const READ_BEFORE =
  /(getAttribute|hasAttribute|querySelector(All)?|getElementById|closest|matches|tr|\$|setAttribute|createElement|addEventListener|dispatchEvent|Event|namedItem)\(\s*$/;

export function scriptTexts(source: string, file = 'script'): string[] {
  const found: string[] = [];
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
  code.split('\n').forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    for (const m of line.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
      const value = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\$\{[^}]*\}/g, ' ');
      if (VIETNAMESE_LETTER.test(value)) {
        found.push(`${at}: ${m[0]}`);
        continue;
      }
      if (/<\/?[a-z]/i.test(value) || /^[^<]*>/.test(value)) {
        // A piece of HTML: its text between the tags and its visible attributes.
        const shown = [
          ...[...value.matchAll(/>([^<]*)/g)].map((t) => t[1]!),
          ...[...value.matchAll(/\s(aria-label|title|placeholder|alt)="([^"]*)"/g)].map(
            (t) => t[2]!,
          ),
        ];
        if (shown.some((t) => /\p{L}/u.test(t.replace(/\bPDF\b/g, ''))))
          found.push(`${at}: ${m[0]}`);
        continue;
      }
      if (!SINK.test(line) || !/\p{L}/u.test(value) || value === 'PDF') continue;
      if (/^(data|aria)-[\w-]+$/.test(value)) continue; // an attribute's name
      if (READ_BEFORE.test(line.slice(0, m.index))) continue;
      found.push(`${at}: ${m[0]}`);
    }
  });
  return found;
}

describe('UI text comes from the locales', () => {
  const views = filesUnder(path.join(ROOT_DIR, 'views'), '.hbs');
  const scripts = filesUnder(path.join(ROOT_DIR, 'public'), '.js');

  it('finds what it looks for', () => {
    expect(views.length).to.be.greaterThan(75);
    expect(scripts.length).to.be.greaterThan(5);
    const template = [
      '<h1>{{t "a:title"}}</h1>',
      '<p>Trang {{page}} tr.</p>',
      '<input placeholder="Tìm kiếm" title="{{t "a:b"}}">',
      '<button aria-label="Close">×</button>',
      '<form data-confirm="Delete?">',
      '{{> field label="Họ và tên"}}',
      '<button lang="vi">Tiếng Việt</button><code>GET /api</code>',
      '<input type="submit" value="Save">',
    ].join('\n');
    expect(literalTexts(template)).to.deep.equal([
      'template:2: Trang  tr.',
      'template:3: placeholder="Tìm kiếm"',
      'template:4: aria-label="Close"',
      'template:5: data-confirm="Delete?"',
      'template:6: {{> field label="Họ và tên"}}',
      'template:8: value="Save"',
    ]);
    const script = [
      "el.textContent = el.getAttribute('data-t-done') || 'Done';",
      "window.alert('Không gửi được');",
      "box.setAttribute('aria-label', tr('box'));",
      "list.innerHTML = '<li>' + esc(tr('empty')) + '</li><li>None</li>';",
      'x.innerHTML = \'<input aria-label="min">\';',
      "message.textContent = container.getAttribute('data-error-text') || 'PDF';",
    ].join('\n');
    expect(scriptTexts(script)).to.deep.equal([
      "script:1: 'Done'",
      "script:2: 'Không gửi được'",
      "script:4: '</li><li>None</li>'",
      'script:5: \'<input aria-label="min">\'',
    ]);
  });

  it('writes no words in a template but through t', () => {
    const found = views.flatMap((file) =>
      literalTexts(readFileSync(file, 'utf8'), path.relative(ROOT_DIR, file)),
    );
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  it('has the page scripts take their words from the page', () => {
    const found = scripts.flatMap((file) =>
      scriptTexts(readFileSync(file, 'utf8'), path.relative(ROOT_DIR, file)),
    );
    expect(found, found.join('\n')).to.deep.equal([]);
  });
});
