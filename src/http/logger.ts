import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

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

/**
 * What the access log must not carry in an address either: a form's CSRF token sent in the query
 * (multipart forms may), and the secret of a calendar feed, which is its address.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(/([?&]_csrf=)[^&#]*/gi, '$1[ẩn]')
    .replace(/^(\/calendar\/ical\/)[^/?#]+/, '$1[ẩn]');
}

/** The access log: every request at info, without secrets in its headers or its address. */
export function accessLog(logger: Logger, genReqId?: (req: IncomingMessage) => string): HttpLogger {
  return pinoHttp({
    logger,
    ...(genReqId ? { genReqId } : {}),
    serializers: {
      // The query and route parameters repeat the address (unredacted): the address alone is kept.
      req: (req: { url?: string; query?: unknown; params?: unknown }) => {
        delete req.query;
        delete req.params;
        return Object.assign(req, { url: redactUrl(req.url) });
      },
    },
  });
}
