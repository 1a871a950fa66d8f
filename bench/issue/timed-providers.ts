/**
 * src/signing-providers as the application sees it during `npm run bench:issue` (hooks.mjs sends
 * every import here): the same exports, with signPdfWith timed (wall time of each call, summed in
 * globalThis.__signTiming) so the bench reports the signing engine's share of an issuance.
 */
import * as real from '../../src/signing-providers/index.js';

export * from '../../src/signing-providers/index.js';

export interface SignTiming {
  calls: number;
  totalMs: number;
}

const timing: SignTiming = ((globalThis as { __signTiming?: SignTiming }).__signTiming ??= {
  calls: 0,
  totalMs: 0,
});

export const signPdfWith: typeof real.signPdfWith = async (...args) => {
  const start = performance.now();
  try {
    return await real.signPdfWith(...args);
  } finally {
    timing.calls += 1;
    timing.totalMs += performance.now() - start;
  }
};
