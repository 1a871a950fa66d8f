import { randomBytes } from 'node:crypto';
import {
  decodeTimestampResponse,
  encodeTimestampRequest,
  SigningError,
  type TimestampProvider,
} from '../signing/index.js';

/**
 * A TimestampProvider that asks an RFC 3161 authority over HTTP (the TSA_URL setting):
 * POST application/timestamp-query, answer application/timestamp-reply.
 */
export function httpTimestampProvider(url: string, timeoutMs = 15_000): TimestampProvider {
  return {
    async timestamp(digest: Buffer): Promise<Buffer> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/timestamp-query' },
          body: new Uint8Array(encodeTimestampRequest(digest, randomBytes(8))),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new SigningError(
          'TIMESTAMP_FAILED',
          `The timestamp authority ${url} did not answer: ${(err as Error).message}`,
        );
      }
      if (!response.ok) {
        throw new SigningError(
          'TIMESTAMP_FAILED',
          `The timestamp authority ${url} answered HTTP ${response.status}`,
        );
      }
      return decodeTimestampResponse(Buffer.from(await response.arrayBuffer()));
    },
  };
}
