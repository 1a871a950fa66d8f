/**
 * Deterministic mutations of PDF bytes: a case is fully given by (run seed, case index) and the
 * corpus. Structure-aware mutations (numbers, keywords, cycles, deflate bombs) sit beside blind
 * ones (byte flips, truncation, splices) so that both the syntax and the object graph get hit.
 */
import { deflateSync } from 'node:zlib';

/** mulberry32: small, fast, good enough for fuzzing. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case `index` of a run with seed `runSeed`. */
export function caseSeed(runSeed: number, index: number): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type Rand = () => number;
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const EXTREMES = [
  '0',
  '-1',
  '1',
  '2147483647',
  '2147483648',
  '4294967296',
  '8388607',
  '8388608',
  '9007199254740992',
  '9007199254740993',
  '99999999999',
  '1' + '0'.repeat(400),
  '1e9',
  '3.5',
  '-0',
  '.5',
  'NaN',
  '-2147483649',
];

const KEYWORDS = [
  'endobj',
  'endstream',
  'stream',
  ' obj',
  'xref',
  'trailer',
  'startxref',
  '%%EOF',
  ' R',
  '>>',
  '<<',
  ']',
  '[',
  '/Type',
  '/Kids',
  '/Length',
  '/Root',
  '/Pages',
  '/Filter',
  '/Prev',
];

/** All match positions of `re` in `text` (at most `max`). */
function matches(text: string, re: RegExp, max = 5000): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  for (let m = g.exec(text); m && out.length < max; m = g.exec(text)) {
    out.push(m);
    if (m[0].length === 0) g.lastIndex++;
  }
  return out;
}

const latin1 = (b: Buffer) => b.toString('latin1');
const bytes = (s: string) => Buffer.from(s, 'latin1');

function replaceAt(buf: Buffer, at: number, len: number, insert: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), insert, buf.subarray(at + len)]);
}

/** The object number of the `N G obj` that encloses byte `pos`, if any. */
function enclosingObject(text: string, pos: number): number | undefined {
  const before = text.slice(Math.max(0, pos - 4096), pos);
  const all = matches(before, /(\d+)\s+\d+\s+obj\b/g);
  const last = all[all.length - 1];
  return last ? parseInt(last[1]!, 10) : undefined;
}

let bombCache: Buffer | undefined;
/** ~64 KB of deflate that inflates to 64 MB of zeros. */
function bomb(): Buffer {
  bombCache ??= deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return bombCache;
}

export type Mutation = (buf: Buffer, r: Rand, others: Buffer[]) => Buffer;

export const MUTATIONS: Record<string, Mutation> = {
  flipBytes(buf, r) {
    const out = Buffer.from(buf);
    const n = 1 + int(r, 16);
    for (let i = 0; i < n && out.length; i++) out[int(r, out.length)] = int(r, 256);
    return out;
  },
  flipBits(buf, r) {
    const out = Buffer.from(buf);
    const n = 1 + int(r, 8);
    for (let i = 0; i < n && out.length; i++) out[int(r, out.length)]! ^= 1 << int(r, 8);
    return out;
  },
  truncate(buf, r) {
    return buf.subarray(0, int(r, buf.length));
  },
  /** Cuts the middle but keeps the tail, so startxref and %%EOF stay and reading goes deeper. */
  deleteRange(buf, r) {
    const a = int(r, buf.length);
    const len = 1 + int(r, Math.min(4096, buf.length - a));
    return replaceAt(buf, a, len, Buffer.alloc(0));
  },
  duplicateRange(buf, r) {
    const a = int(r, buf.length);
    const len = 1 + int(r, Math.min(8192, buf.length - a));
    const at = int(r, buf.length);
    return replaceAt(buf, at, 0, Buffer.from(buf.subarray(a, a + len)));
  },
  spliceOther(buf, r, others) {
    const o = pick(r, others);
    const a = int(r, o.length);
    const len = 1 + int(r, Math.min(8192, o.length - a));
    const at = int(r, buf.length);
    const del = int(r, 64);
    return replaceAt(buf, at, del, Buffer.from(o.subarray(a, a + len)));
  },
  replaceNumber(buf, r) {
    const ms = matches(latin1(buf), /(?<![\w.])-?\d+(\.\d+)?(?![\w.])/g);
    if (!ms.length) return buf;
    const m = pick(r, ms);
    return replaceAt(buf, m.index, m[0].length, bytes(pick(r, EXTREMES)));
  },
  /** The numbers of the xref table and trailer and of /Length, /Count, /N, /First, /W. */
  replaceStructuralNumber(buf, r) {
    const text = latin1(buf);
    const ms = matches(
      text,
      /\/(?:Length|Count|N|First|Size|Prev|XRefStm|Columns|Predictor|Colors|BitsPerComponent|Index|W)\s*\[?\s*(-?\d+)|startxref\s+(\d+)|^(\d+) (\d+)\r?$/gm,
    );
    if (!ms.length) return buf;
    const m = pick(r, ms);
    const numText = m[1] ?? m[2] ?? m[3]!;
    const at = m.index + m[0].lastIndexOf(numText);
    return replaceAt(buf, at, numText.length, bytes(pick(r, EXTREMES)));
  },
  deleteKeyword(buf, r) {
    const k = pick(r, KEYWORDS);
    const ms = matches(latin1(buf), new RegExp(k.replace(/[[\]]/g, '\\$&'), 'g'));
    if (!ms.length) return buf;
    const m = pick(r, ms);
    return replaceAt(buf, m.index, m[0].length, Buffer.alloc(0));
  },
  /** /Length N → /Length <own object> 0 R (or the next object's). */
  lengthCycle(buf, r) {
    const text = latin1(buf);
    const ms = matches(text, /\/Length\s+\d+(\s+\d+\s+R)?/g);
    if (!ms.length) return buf;
    const m = pick(r, ms);
    const own = enclosingObject(text, m.index) ?? 1;
    const target = r() < 0.7 ? own : own + 1 + int(r, 3);
    return replaceAt(buf, m.index, m[0].length, bytes(`/Length ${target} 0 R`));
  },
  /** /Prev → the section's own offset (or another startxref value). */
  prevCycle(buf, r) {
    const text = latin1(buf);
    const sxs = matches(text, /startxref\s+(\d+)/g).map((m) => m[1]!);
    if (!sxs.length) return buf;
    const target = pick(r, sxs);
    const prevs = matches(text, /\/Prev\s+\d+/g);
    if (prevs.length && r() < 0.6) {
      const m = pick(r, prevs);
      return replaceAt(buf, m.index, m[0].length, bytes(`/Prev ${target}`));
    }
    const trailers = matches(text, /trailer\s*<<|\/Type\s*\/XRef/g);
    if (!trailers.length) return buf;
    const m = pick(r, trailers);
    return replaceAt(buf, m.index + m[0].length, 0, bytes(` /Prev ${target} `));
  },
  /** /Kids [a b] → /Kids [<own> ...], /Parent → child, /Pages → the catalog. */
  graphCycle(buf, r) {
    const text = latin1(buf);
    const ms = matches(
      text,
      /\/(Kids|Fields|Parent|Pages|Root|Annots|AcroForm|V|P)\s*(\[[^\]]{0,200}\]|\d+\s+\d+\s+R)/g,
    );
    if (!ms.length) return buf;
    const m = pick(r, ms);
    const own = enclosingObject(text, m.index) ?? 1;
    const refs = matches(text, /(\d+)\s+\d+\s+obj\b/g).map((x) => parseInt(x[1]!, 10));
    const other = refs.length ? pick(r, refs) : own;
    const v =
      m[1] === 'Kids' || m[1] === 'Fields' || m[1] === 'Annots'
        ? `[${own} 0 R ${other} 0 R ${own} 0 R]`
        : `${r() < 0.5 ? own : other} 0 R`;
    return replaceAt(buf, m.index, m[0].length, bytes(`/${m[1]} ${v}`));
  },
  /** Replaces one `N G R` by a reference to another object (or an absurd one). */
  swapRef(buf, r) {
    const text = latin1(buf);
    const ms = matches(text, /\b\d+\s+\d+\s+R\b/g);
    if (!ms.length) return buf;
    const m = pick(r, ms);
    const objs = matches(text, /(\d+)\s+\d+\s+obj\b/g).map((x) => x[1]!);
    const target = r() < 0.8 && objs.length ? pick(r, objs) : pick(r, EXTREMES);
    return replaceAt(buf, m.index, m[0].length, bytes(`${target} 0 R`));
  },
  /** Replaces a stream's data by a deflate bomb (keeping or fixing /Length). */
  deflateBomb(buf, r) {
    const text = latin1(buf);
    const ms = matches(text, /stream\r?\n/g);
    if (!ms.length) return buf;
    const m = pick(r, ms);
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) return buf;
    const b = bomb();
    let out = replaceAt(buf, start, end - start, Buffer.concat([b, bytes('\n')]));
    if (r() < 0.7) {
      const head = latin1(out.subarray(Math.max(0, m.index - 2048), m.index));
      const lm = matches(head, /\/Length\s+\d+(\s+\d+\s+R)?/g).pop();
      if (lm) {
        const at = Math.max(0, m.index - 2048) + lm.index;
        out = replaceAt(out, at, lm[0].length, bytes(`/Length ${b.length}`));
      }
      if (!/\/Filter/.test(head.slice(lm?.index ?? 0))) {
        const d = head.lastIndexOf('<<');
        if (d >= 0)
          out = replaceAt(
            out,
            Math.max(0, m.index - 2048) + d + 2,
            0,
            bytes('/Filter /FlateDecode '),
          );
      }
    }
    return out;
  },
  /** Inserts deep or unbalanced nesting. */
  nesting(buf, r) {
    const at = int(r, buf.length);
    const n = pick(r, [10, 250, 5000, 100_000]);
    const unit = pick(r, ['[', '<<', '(', '<< /A ', '[[', '<', '{']);
    return replaceAt(buf, at, 0, bytes(unit.repeat(n)));
  },
  /** Changes an xref table offset or type, or an xref-stream row. */
  corruptXrefEntry(buf, r) {
    const text = latin1(buf);
    const ms = matches(text, /^(\d{10}) (\d{5}) ([nf])/gm);
    if (!ms.length) return MUTATIONS.flipBytes!(buf, r, []);
    const m = pick(r, ms);
    const choice = int(r, 3);
    const v =
      choice === 0
        ? String(int(r, buf.length)).padStart(10, '0')
        : choice === 1
          ? '9999999999'
          : m[1]!;
    const kind = choice === 2 ? (m[3] === 'n' ? 'f' : 'n') : m[3]!;
    return replaceAt(buf, m.index, m[0].length, bytes(`${v} ${m[2]} ${kind}`));
  },
  /** Corrupts the CMS inside a signature's /Contents: a length or tag byte, or its tail. */
  corruptCms(buf, r) {
    const text = latin1(buf);
    const ms = matches(text, /\/Contents\s*<([0-9a-fA-F]{64})/g);
    if (!ms.length) return MUTATIONS.flipBytes!(buf, r, []);
    const m = pick(r, ms);
    const start = m.index + m[0].length - 64;
    const end = text.indexOf('>', start);
    if (end < 0) return buf;
    const out = Buffer.from(buf);
    const choice = int(r, 4);
    if (choice === 0) {
      // One of the first 64 DER bytes (tags and lengths of the outer structures).
      const at = start + 2 * int(r, 64);
      out.write(int(r, 256).toString(16).padStart(2, '0'), at, 'latin1');
    } else if (choice === 1) {
      // Truncate: zeros from a random point on (the placeholder padding).
      const at = start + 2 * int(r, (end - start) >> 1);
      out.fill(0x30, at, end);
    } else if (choice === 2) {
      // An indefinite length or a 4-byte length somewhere.
      const at = start + 2 * int(r, (end - start) >> 1);
      out.write(pick(r, ['80', '84', '30800000', '3084ffffffff', '0000']), at, 'latin1');
    } else {
      for (let i = 0; i < 1 + int(r, 8); i++) {
        const at = start + int(r, end - start);
        out[at] = '0123456789abcdef'.charCodeAt(int(r, 16));
      }
    }
    return out;
  },
  /** Appends junk or many end markers after the file. */
  appendTail(buf, r) {
    const tails = [
      '%%EOF\n'.repeat(1 + int(r, 50_000)),
      `startxref\n${int(r, buf.length)}\n%%EOF\n`,
      'xref\n0 99999999999\ntrailer\n<< /Size 1000000000000 >>\nstartxref\n0\n%%EOF\n',
      '\n'.repeat(int(r, 5000)),
    ];
    return Buffer.concat([buf, bytes(pick(r, tails))]);
  },
};

/** Mutations by weight: blind truncation ends most reads at the first step, so it is rarer. */
const WEIGHTS: Record<string, number> = { truncate: 0.3, appendTail: 0.5, deleteRange: 0.7 };
const NAMES = Object.keys(MUTATIONS).flatMap((n) =>
  Array.from({ length: Math.round((WEIGHTS[n] ?? 1) * 10) }, () => n),
);

export interface MutatedCase {
  seedName: string;
  mutations: string[];
  bytes: Buffer;
}

/** Builds case `index` of a run: picks a seed file and applies one to four mutations. */
export function mutateCase(
  runSeed: number,
  index: number,
  corpus: Array<{ name: string; bytes: Buffer }>,
): MutatedCase {
  const r = rng(caseSeed(runSeed, index));
  const seed = pick(r, corpus);
  const others = corpus.map((c) => c.bytes);
  let buf = seed.bytes;
  const applied: string[] = [];
  // Mostly one or two mutations, so that many cases get past the xref into the object graph.
  const x = r();
  const n = x < 0.5 ? 1 : x < 0.75 ? 2 : x < 0.9 ? 3 : 4;
  for (let i = 0; i < n; i++) {
    const name = pick(r, NAMES);
    applied.push(name);
    buf = MUTATIONS[name]!(buf, r, others);
  }
  return { seedName: seed.name, mutations: applied, bytes: buf };
}
