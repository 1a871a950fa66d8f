import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../src/paths.js';

/*
 * The keys of the details src/ writes to the audit log, read from the source: each object
 * literal given as a row's details (`details: { … }`, also after a condition), or as the details
 * argument of a helper that writes the row (`record('step', note, { … })`, `audit('code', id,
 * { … })`), nested objects' keys included. Details built elsewhere and passed as a variable are
 * not seen: the rendered pages' test reads those from the rows it writes.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    // A model's column definitions are not details (the audit row's own `details` column).
    return name.endsWith('.ts') && !name.endsWith('.model.ts') ? [full] : [];
  });
}

/** The index just past the object literal opening at `start` (strings and comments skipped). */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"' || c === '`') {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i);
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') if (--depth === 0) return i + 1;
  }
  return text.length;
}

/** Property names of an object literal's text (strings blanked first), shorthand ones too. */
function keysOf(literal: string): string[] {
  const code = literal
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, "''")
    .replace(/\/\/[^\n]*/g, '');
  const keys: string[] = [];
  // `key:` after `{` or `,` (not a ternary's `a ? b : c`), and `{ key,` / `, key }` shorthand.
  for (const m of code.matchAll(/[{,]\s*([A-Za-z_$][\w$]*)\s*(?=[:,}])/g)) keys.push(m[1]!);
  return keys;
}

const DETAIL_STARTS = [
  // details: { … } or details: cond ? { … } : …
  /\bdetails:\s*(?:[^{},;\n]*\?\s*)?(?=\{)/g,
  // The step runner's record('step', note, { … }) and helpers audit…('code', id, { … }).
  /\b(?:record|recordStep|audit[A-Za-z]*)\(\s*'[^']+'\s*,(?:(?!=>)[^{};])*?(?=\{)/g,
];

export function auditDetailKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  const src = path.join(ROOT_DIR, 'src');
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of DETAIL_STARTS)
      for (const m of text.matchAll(pattern)) {
        const start = m.index + m[0].length;
        for (const key of keysOf(text.slice(start, objectEnd(text, start))))
          if (!keys.has(key)) keys.set(key, path.relative(ROOT_DIR, file));
      }
  }
  return keys;
}
