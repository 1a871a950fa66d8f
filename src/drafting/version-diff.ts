import { diffArrays } from 'diff';

/*
 * Comparing two versions of a draft's main file by their extracted text (extractPdfText), line by
 * line. Lines are compared NFC-normalised and with runs of spaces and tabs as one space, so a
 * version re-exported by another tool or a column that moved a little is not a change; what is
 * shown is each version's own line.
 */

export interface DiffHunk {
  kind: 'added' | 'removed' | 'unchanged';
  lines: string[];
  /** 1-based line in the old text where the hunk starts (for 'added', where it is inserted). */
  oldStart: number;
  /** 1-based line in the new text where the hunk starts (for 'removed', where it was). */
  newStart: number;
}

export interface VersionDiff {
  hunks: DiffHunk[];
  added: number;
  removed: number;
  /** True when the two texts differ too much to align within the work limit: shown as replaced. */
  approximate: boolean;
}

export interface DiffOptions {
  /** The most changed lines aligned before the texts are shown as wholly replaced (bounds time). */
  maxEditLength?: number;
}

const normalise = (line: string) =>
  line
    .normalize('NFC')
    .replace(/[ \t\u00a0]+/g, ' ')
    .trim();

function linesOf(text: string): string[] {
  return text
    .split(/\r?\n|\f/)
    .map((l) => l.trimEnd())
    .filter((l) => normalise(l) !== '');
}

/** Line-level differences between the text of an older and a newer version. */
export function diffVersions(
  oldText: string,
  newText: string,
  { maxEditLength = 5000 }: DiffOptions = {},
): VersionDiff {
  const oldLines = linesOf(oldText);
  const newLines = linesOf(newText);
  const changes = diffArrays(oldLines.map(normalise), newLines.map(normalise), { maxEditLength });
  if (!changes) {
    const hunks: DiffHunk[] = [];
    if (oldLines.length) hunks.push({ kind: 'removed', lines: oldLines, oldStart: 1, newStart: 1 });
    if (newLines.length) hunks.push({ kind: 'added', lines: newLines, oldStart: 1, newStart: 1 });
    return { hunks, added: newLines.length, removed: oldLines.length, approximate: true };
  }
  const hunks: DiffHunk[] = [];
  let o = 0;
  let n = 0;
  let added = 0;
  let removed = 0;
  for (const change of changes) {
    const count = change.value.length;
    if (count === 0) continue;
    const at = { oldStart: o + 1, newStart: n + 1 };
    if (change.added) {
      hunks.push({ kind: 'added', lines: newLines.slice(n, n + count), ...at });
      n += count;
      added += count;
    } else if (change.removed) {
      hunks.push({ kind: 'removed', lines: oldLines.slice(o, o + count), ...at });
      o += count;
      removed += count;
    } else {
      hunks.push({ kind: 'unchanged', lines: newLines.slice(n, n + count), ...at });
      o += count;
      n += count;
    }
  }
  return { hunks, added, removed, approximate: false };
}
