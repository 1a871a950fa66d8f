import type { CopyKind } from '../registers/number-series.js';

/**
 * The form a document arrives in (Decree 30/2020 Art. 25 and Appendix III): the original (bản
 * chính) or a copy: bản sao y (SY), bản trích sao (TrS), bản sao lục (SL). The copy kinds are the
 * ones that have their own number series on the outgoing side (number-series.ts).
 */
export const COPY_FORMS = ['original', 'SY', 'TrS', 'SL'] as const satisfies readonly (
  'original' | CopyKind
)[];
export type CopyForm = (typeof COPY_FORMS)[number];

export const isCopyForm = (value: unknown): value is CopyForm =>
  typeof value === 'string' && (COPY_FORMS as readonly string[]).includes(value);
