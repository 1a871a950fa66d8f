import pino, { type DestinationStream, type Logger } from 'pino';

/** What the access log must never carry: session cookies and API tokens. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/** The server's logger (JSON lines on stdout unless a destination is given). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[ẩn]' } };
  return destination ? pino(options, destination) : pino(options);
}
