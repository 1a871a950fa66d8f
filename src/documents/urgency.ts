/**
 * Độ khẩn (Decree 30 Art. 11, edXML Priority) as both flows enter and keep it: 0 Thường,
 * 1 Khẩn, 2 Thượng khẩn, 3 Hỏa tốc, and 4 "Hỏa tốc hẹn giờ" on a form, kept as Hỏa tốc (3) with
 * the time it must arrive by.
 */
import { z } from 'zod';
import { blankToUndefined, integer } from '../http/form-fields.js';

/** "Hỏa tốc hẹn giờ" as a form and the API give it (edXML Priority 4). */
export const TIMED_EXPRESS = 4;

/** The urgency a form or the API gives: 0–3, or 4 for Hỏa tốc hẹn giờ. */
export const urgencyLevel = z.preprocess(
  blankToUndefined,
  integer(z.number('errors:URGENCY_INVALID').int().min(0).max(TIMED_EXPRESS).default(0)),
);

export interface UrgencyInput {
  urgency: number;
  urgentDeliverBy?: Date;
}

/**
 * The field error of an urgency and its time, if any: Hỏa tốc hẹn giờ needs its time, and a
 * time belongs to Hỏa tốc only (Hỏa tốc given with a time is Hỏa tốc hẹn giờ).
 */
export function urgentTimeError(input: UrgencyInput): string | null {
  if (input.urgency === TIMED_EXPRESS && !input.urgentDeliverBy)
    return 'errors:URGENT_TIME_REQUIRED';
  if (input.urgentDeliverBy && input.urgency < 3) return 'errors:URGENT_TIME_NOT_TIMED';
  return null;
}

/** The urgency as kept: Hỏa tốc hẹn giờ is Hỏa tốc (3) with its time. */
export function storedUrgency(input: UrgencyInput): {
  urgency: number;
  urgentDeliverBy: Date | null;
} {
  const timed = input.urgency >= 3 && input.urgentDeliverBy !== undefined;
  return {
    urgency: Math.min(input.urgency, 3),
    urgentDeliverBy: timed ? input.urgentDeliverBy! : null,
  };
}

/** The urgency a form shows for a kept one: 4 when it has its time. */
export const formUrgency = (doc: { urgency: number; urgentDeliverBy: Date | null }): number =>
  doc.urgentDeliverBy ? TIMED_EXPRESS : doc.urgency;
