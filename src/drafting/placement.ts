import { AppError, type FieldErrors } from '../http/app-error.js';
import { findPlacementsOffThread } from '../files/pdf-check-pool.js';
import type { Rect } from '../signing/types.js';
import type { Placement, Placements } from './placement-scan.js';

/*
 * Where a leader's signature goes on a draft (issue 12 §3), and where the seal revision writes the
 * number and the date (§4): proposed from the draft's text, shown on the page by
 * public/js/pdf-sign-viewer.js (views/partials/pdf-sign-viewer.hbs), moved by the signer, and
 * posted back as page + rect in PDF points, checked here before signing.
 */

export type { PageBox, Placement, Placements, SignerPlacement } from './placement-scan.js';
export { PLACEMENT_LIMITS } from './placement-scan.js';

/**
 * The proposed placements of a draft PDF, found off the event loop in the file check pool:
 * 422 FILE_NOT_PDF when it is not a PDF; FILE_TOO_COMPLEX, FILE_CHECK_TIMEOUT, FILE_CHECK_MEMORY
 * (422) or FILE_CHECK_BUSY (503) past the pool's limits. Only page 1 and the last five pages are
 * read for text; page boxes are given for the first 2000 pages.
 */
export function findPlacements(pdf: Buffer, name = ''): Promise<Placements> {
  return findPlacementsOffThread(pdf, name);
}

/** A page's visible box in user space, [x1, y1, x2, y2] (PageBox, or signing's PageGeometry). */
export interface PageSize {
  box: readonly [number, number, number, number];
}

/** How far (points) a posted rect may reach past the page box: rounding in the browser. */
const TOLERANCE = 0.5;
/** Smallest box the signer may leave: a signature needs some room. */
const MIN_SIDE = 10;
const FIELDS = ['page', 'rectX', 'rectY', 'rectW', 'rectH'] as const;

/**
 * Validates a placement posted by the viewer (fields page, rectX, rectY, rectW, rectH): a whole
 * page number within 1..pageCount, finite numbers, a positive size (at least 10 pt each way) and
 * the rect inside that page's visible box. `pageSizes[n - 1]` is page n's box. A refusal is
 * 422 PLACEMENT_INVALID with field errors as message keys (errors:PLACEMENT_…), which
 * translateFields turns into Vietnamese or English.
 */
export function parsePlacementForm(
  body: unknown,
  pageCount: number,
  pageSizes: ReadonlyArray<PageSize>,
): Placement {
  const input = (body ?? {}) as Record<string, unknown>;
  const fields: FieldErrors = {};
  const values: Partial<Record<(typeof FIELDS)[number], number>> = {};
  for (const name of FIELDS) {
    const raw = input[name];
    const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
    // Decimal notation only: no hex, no exponent, no "Infinity"; at most 12 digits before the point.
    if (!/^-?\d{1,12}(?:\.\d{1,6})?$/.test(text) || !Number.isFinite(Number(text)))
      fields[name] = text === '' ? 'errors:FIELD_REQUIRED' : 'errors:PLACEMENT_NUMBER';
    else values[name] = Number(text);
  }
  const refuse = () => new AppError('PLACEMENT_INVALID', 422, undefined, fields);
  const page = values.page;
  if (page !== undefined) {
    const size = pageSizes[page - 1];
    if (!Number.isInteger(page) || page < 1 || page > pageCount || !size)
      fields.page = 'errors:PLACEMENT_PAGE';
  }
  if (Object.keys(fields).length) throw refuse();
  const rect: Rect = [values.rectX!, values.rectY!, values.rectW!, values.rectH!];
  const [x, y, w, h] = rect;
  if (!(w >= MIN_SIDE)) fields.rectW = 'errors:PLACEMENT_SIZE';
  if (!(h >= MIN_SIDE)) fields.rectH = 'errors:PLACEMENT_SIZE';
  if (Object.keys(fields).length) throw refuse();
  const [bx1, by1, bx2, by2] = pageSizes[page! - 1].box;
  const [left, right] = [Math.min(bx1, bx2), Math.max(bx1, bx2)];
  const [bottom, top] = [Math.min(by1, by2), Math.max(by1, by2)];
  if (x < left - TOLERANCE || x + w > right + TOLERANCE) fields.rectX = 'errors:PLACEMENT_OUTSIDE';
  if (y < bottom - TOLERANCE || y + h > top + TOLERANCE) fields.rectY = 'errors:PLACEMENT_OUTSIDE';
  if (Object.keys(fields).length) throw refuse();
  return { page: page!, rect };
}
