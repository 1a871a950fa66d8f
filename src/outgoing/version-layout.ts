import { findPlacements, type Placements } from '../drafting/placement.js';
import type { DocumentFile } from '../files/file.model.js';
import { extractPdfTextOffThread } from '../files/pdf-check-pool.js';

/**
 * What signing and issuing need to know of a main version's pages: where the signature, the
 * number and the date go, and the first page's text (how its "Số:" line is written). Read once
 * off the event loop when the version is stored; a signed revision keeps its version's layout.
 */
export interface VersionLayout {
  placements: Placements;
  page1: string;
}

export async function readVersionLayout(pdf: Buffer, name: string): Promise<VersionLayout> {
  const [placements, text] = await Promise.all([
    findPlacements(pdf, name),
    extractPdfTextOffThread(pdf, name, { maxPages: 1 }),
  ]);
  return { placements, page1: text.pages[0] ?? '' };
}

/** The stored layout of a main version, or null for one stored before layouts were kept. */
export function storedLayout(
  file: Pick<DocumentFile, 'layout'> | null | undefined,
): VersionLayout | null {
  if (!file?.layout) return null;
  try {
    return JSON.parse(file.layout) as VersionLayout;
  } catch {
    return null;
  }
}

/** The layout of a version: stored, else read now from its bytes. */
export async function layoutOf(
  file: Pick<DocumentFile, 'layout' | 'originalName'>,
  pdf: () => Promise<Buffer>,
): Promise<VersionLayout> {
  return storedLayout(file) ?? readVersionLayout(await pdf(), file.originalName);
}
