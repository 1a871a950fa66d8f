import { SigningError } from '../errors.js';

/**
 * Every bound the PDF reader puts on hostile input, in one place. A file that breaches one is
 * refused with PDF_TOO_COMPLEX (never wrapped, truncated or walked forever).
 */
export interface PdfLimits {
  /** Largest object number (and /Size - 1) accepted: 2^23 - 1, as Acrobat and pdf.js use. */
  maxObjectNumber: number;
  /** Largest generation number. */
  maxGeneration: number;
  /** Nesting depth of arrays and dictionaries inside one object. */
  maxNestingDepth: number;
  /** Objects whose loading is in progress at once (/Length of a stream in an object stream…). */
  maxLoadDepth: number;
  /** Length of a reference chain (1 0 R → 2 0 R → …) before giving up. */
  maxRefChain: number;
  /** Sections in the /Prev chain of xref sections. */
  maxXrefSections: number;
  /** Xref entries read over all sections: this many plus one per byte of the file. */
  maxXrefEntriesBase: number;
  /** Pages in the page tree. */
  maxPages: number;
  /** Depth of the page tree. */
  maxPageTreeDepth: number;
  /** Fields (terminal and non-terminal) in the AcroForm tree. */
  maxFields: number;
  /** Depth of the AcroForm field tree. */
  maxFieldDepth: number;
  /** Decompressed bytes per compressed byte of one stream (a floor below applies). */
  maxInflateRatio: number;
  /** A stream may always inflate to this many bytes, whatever its compressed size. */
  minInflateOutput: number;
  /** Hard cap on one decompressed stream. */
  maxInflatePerStream: number;
  /** Decompressed bytes per file: ratio × file size, at least the floor, at most this cap. */
  maxInflatePerFile: number;
  /** Floor of the per-file decompression budget (for small files). */
  minInflatePerFile: number;
  /** Filters in one stream's /Filter array. */
  maxFilters: number;
  /** PNG predictor /Columns, /Colors and /BitsPerComponent bounds. */
  maxPredictorColumns: number;
  maxPredictorColors: number;
  /** Bytes the parser may scan per byte of file (re-parses, fallbacks) before refusing. */
  maxParseWorkRatio: number;
  /** Floor of the parse work budget. */
  minParseWork: number;
  /** Nesting depth of DER structures (CMS, certificates). */
  maxDerDepth: number;
}

export const DEFAULT_PDF_LIMITS: Readonly<PdfLimits> = Object.freeze({
  maxObjectNumber: 8_388_607,
  maxGeneration: 65_535,
  maxNestingDepth: 200,
  maxLoadDepth: 32,
  maxRefChain: 32,
  maxXrefSections: 4096,
  maxXrefEntriesBase: 100_000,
  maxPages: 100_000,
  maxPageTreeDepth: 64,
  maxFields: 100_000,
  maxFieldDepth: 32,
  maxInflateRatio: 100,
  minInflateOutput: 64 * 1024,
  maxInflatePerStream: 256 * 1024 * 1024,
  maxInflatePerFile: 512 * 1024 * 1024,
  minInflatePerFile: 4 * 1024 * 1024,
  maxFilters: 8,
  maxPredictorColumns: 1 << 20,
  maxPredictorColors: 32,
  maxParseWorkRatio: 32,
  minParseWork: 16 * 1024 * 1024,
  maxDerDepth: 64,
});

/** The limits in force; change them with configurePdfLimits (e.g. a larger inflate cap). */
export const LIMITS: PdfLimits = { ...DEFAULT_PDF_LIMITS };

/** Overrides some limits (returns the previous values, to restore them in tests). */
export function configurePdfLimits(changes: Partial<PdfLimits>): PdfLimits {
  const before = { ...LIMITS };
  for (const [k, v] of Object.entries(changes) as [keyof PdfLimits, number][]) {
    if (typeof v !== 'number' || !(v > 0)) throw new TypeError(`limit ${k} must be positive`);
    LIMITS[k] = v;
  }
  return before;
}

export function tooComplex(detail: string): SigningError {
  return new SigningError('PDF_TOO_COMPLEX', detail);
}

export function malformed(detail: string): SigningError {
  return new SigningError('PDF_MALFORMED', detail);
}

/** A non-negative safe integer at most `max`, else undefined. */
export function boundedInt(v: unknown, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max ? v : undefined;
}

/** Checks an object number: a non-negative integer, refused above the maximum. */
export function checkObjectNumber(n: number, what = 'object number'): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    if (Number.isFinite(n) && n > 0) throw tooComplex(`${what} ${n} exceeds the maximum`);
    throw malformed(`${what} ${n} is not a non-negative integer`);
  }
  if (n > LIMITS.maxObjectNumber)
    throw tooComplex(`${what} ${n} exceeds the maximum ${LIMITS.maxObjectNumber}`);
  return n;
}

/** Decompression allowance shared by every stream of one file. */
export class InflateBudget {
  remaining: number;

  constructor(fileSize: number) {
    this.remaining = Math.min(
      LIMITS.maxInflatePerFile,
      Math.max(LIMITS.minInflatePerFile, LIMITS.maxInflateRatio * fileSize),
    );
  }

  /** Largest output allowed for one stream of `inputLength` compressed bytes. */
  limitFor(inputLength: number): number {
    const perStream = Math.min(
      LIMITS.maxInflatePerStream,
      Math.max(LIMITS.minInflateOutput, LIMITS.maxInflateRatio * inputLength),
    );
    return Math.max(0, Math.min(perStream, this.remaining));
  }

  spend(bytes: number): void {
    this.remaining -= bytes;
  }
}

/** Bytes the parser may scan for one file before the work is called quadratic and refused. */
export class WorkBudget {
  remaining: number;

  constructor(fileSize: number) {
    this.remaining = Math.max(LIMITS.minParseWork, LIMITS.maxParseWorkRatio * fileSize);
  }

  spend(bytes: number): void {
    this.remaining -= Math.max(0, bytes);
    if (this.remaining < 0) throw tooComplex('parsing the file takes too much work');
  }
}
