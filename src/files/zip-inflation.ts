/**
 * Decompression bombs in zip uploads (DOCX drafts): what a zip says it inflates to, read from its
 * central directory without inflating anything (fflate, entries filtered out before inflation),
 * checked against the same bounds as a PDF's streams (signing/pdf/limits.ts): at most 100 times
 * the upload, always allowed 4 MB, never more than 512 MB, and at most 5,000 entries (a Word
 * document holds a few dozen). Sizes a hostile zip lies about are the converter's business:
 * LibreOffice runs under memory, CPU and file-size limits (drafting/docx-to-pdf.ts).
 *
 *   zipInflationProblem(bytes) → null when acceptable, else why not
 */
import { unzipSync } from 'fflate';

export const ZIP_LIMITS = {
  maxRatio: 100,
  minAllowance: 4 * 1024 * 1024,
  maxInflated: 512 * 1024 * 1024,
  maxEntries: 5000,
};

export type ZipInflationProblem = 'unreadable' | 'too_many_entries' | 'inflates_too_much';

class Refused extends Error {
  constructor(readonly problem: ZipInflationProblem) {
    super(problem);
  }
}

/** The most a zip of `size` bytes may inflate to. */
export const zipAllowance = (size: number) =>
  Math.min(ZIP_LIMITS.maxInflated, Math.max(ZIP_LIMITS.minAllowance, size * ZIP_LIMITS.maxRatio));

/**
 * Why a zip is refused before anything inflates it, or null. The directory is read entry by entry
 * and the walk stops at the first bound crossed, so a directory claiming billions of entries costs
 * no more than 5,000.
 */
export function zipInflationProblem(bytes: Uint8Array): ZipInflationProblem | null {
  const allowance = zipAllowance(bytes.length);
  let entries = 0;
  let inflated = 0;
  try {
    unzipSync(bytes, {
      filter(file) {
        entries += 1;
        if (entries > ZIP_LIMITS.maxEntries) throw new Refused('too_many_entries');
        if (!Number.isFinite(file.originalSize) || file.originalSize < 0)
          throw new Refused('unreadable');
        // ZIP64's "see the extra field" marker counts as its full value: a draft never needs it.
        inflated += file.originalSize;
        if (inflated > allowance) throw new Refused('inflates_too_much');
        return false;
      },
    });
  } catch (err) {
    return err instanceof Refused ? err.problem : 'unreadable';
  }
  return entries === 0 ? 'unreadable' : null;
}
