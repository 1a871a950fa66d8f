import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from '../../src/paths.js';

/*
 * The audit action codes the code can write, read from src/ (issue 11 §7: each needs a label).
 * Literal codes ('incoming.register') are read as they are; codes put together from a domain and
 * a step are read from the calls that name the step; a pattern no rule knows is reported, so a new
 * kind of code cannot slip by without its labels.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const STEP_KINDS: Record<string, string> = { incoming: 'incoming', outgoing: 'outgoing' };

const all = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

export interface DerivedCodes {
  codes: Set<string>;
  /** Code templates (action: `...`) that no rule below can expand. */
  unknownTemplates: string[];
}

export function auditActionCodes(): DerivedCodes {
  const codes = new Set<string>();
  const unknownTemplates: string[] = [];
  const src = path.join(ROOT_DIR, 'src');
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const domain = path.relative(src, file).split(path.sep)[0]!;
    // action: 'a.b', a choice (ok ? 'a.b' : 'a.c') or a type ('a.b' | 'a.c'), on its line.
    for (const line of all(text, /\baction\s*[:=]\s*([^\n]*'[a-z_]+\.[^\n]*)/g))
      for (const code of all(line, /'([a-z_]+(?:\.[a-zA-Z_]+)+)'/g)) codes.add(code);
    // audit('a.b', ...), auditRegisterAccess('a.b', ...): helpers that write the row.
    for (const code of all(text, /\baudit[A-Za-z]*\(\s*'([a-z_]+(?:\.[a-zA-Z_]+)+)'/g))
      codes.add(code);
    // auditMeeting(actor, 'a.b', ...): the code after the actor.
    for (const code of all(text, /\baudit[A-Za-z]*\(\s*[\w.!]+,\s*'([a-z_]+(?:\.[a-zA-Z_]+)+)'/g))
      codes.add(code);
    // The step runner writes `${kind}.${action}` for ctx.record('action', ...).
    const steps = all(text, /\brecord\(\s*'([a-z_]+)'/g);
    if (steps.length) {
      const kind = STEP_KINDS[domain];
      if (!kind) unknownTemplates.push(`record('${steps[0]}') in ${path.relative(ROOT_DIR, file)}`);
      else for (const step of steps) codes.add(`${kind}.${step}`);
    }
    for (const template of all(text, /\baction:\s*`([^`]+)`/g)) {
      if (template === '${ref.kind}.${action}') continue; // the step runner, above
      if (template === 'approval.${action}') {
        // approvals' record({ action: 'x' }) and the decisions people take.
        if (domain === 'approvals')
          for (const a of all(text, /\baction:\s*'([a-z_]+)'/g)) codes.add(`approval.${a}`);
        continue;
      }
      if (template === 'approval_template.${action}') {
        for (const a of all(text, /\baudited\(\s*'([a-z_]+)'/g))
          codes.add(`approval_template.${a}`);
        continue;
      }
      if (template === 'outgoing.${action}') {
        for (const a of all(text, /\bawait recordStep\([^']*?'([a-z_]+)'/g))
          codes.add(`outgoing.${a}`);
        continue;
      }
      if (template === '${doc.linkedKind}.download') {
        codes.add('incoming.download');
        codes.add('outgoing.download');
        continue;
      }
      if (template === 'meeting.${action}') {
        for (const a of all(text, /\bawait recordMinutes\([^']*?'([a-z_.]+)'/g))
          codes.add(`meeting.${a}`);
        continue;
      }
      if (template === 'meeting.${what}.view') {
        for (const a of all(text, /\bawait auditView\([^']*?'([a-z_]+)'/g))
          codes.add(`meeting.${a}.view`);
        continue;
      }
      unknownTemplates.push(`${template} in ${path.relative(ROOT_DIR, file)}`);
    }
  }
  const schemas = readFileSync(path.join(src, 'approvals', 'approvals.schemas.ts'), 'utf8');
  const decisions = /action:\s*z\.enum\(\[([^\]]+)\]\)/.exec(schemas)?.[1] ?? '';
  for (const a of all(decisions, /'([a-z_]+)'/g)) codes.add(`approval.${a}`);
  for (const a of all(
    readFileSync(path.join(src, 'approvals', 'approvals.review.ts'), 'utf8'),
    /\baction:\s*'([a-z_]+)'/g,
  ))
    codes.add(`approval.${a}`);
  return { codes, unknownTemplates };
}
