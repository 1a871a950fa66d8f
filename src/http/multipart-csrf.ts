import type { NextFunction, Request, Response } from 'express';

/** How much of a multipart body is read to find the token (its first part). */
const PEEK_LIMIT = 4096;

declare module 'express-serve-static-core' {
  interface Request {
    /** The CSRF token a multipart form sent as its first part (`_csrf`), read before the route. */
    multipartCsrf?: string;
  }
}

const boundaryOf = (contentType: string): string | undefined => {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
};

/**
 * The `_csrf` value when it is the body's first part, undefined when the first part is anything
 * else; null when more bytes are needed to tell.
 */
export function firstPartToken(head: Buffer, boundary: string): string | undefined | null {
  const text = head.toString('latin1');
  const start = text.indexOf(`--${boundary}\r\n`);
  if (start < 0) return text.length >= PEEK_LIMIT ? undefined : null;
  const headersEnd = text.indexOf('\r\n\r\n', start);
  if (headersEnd < 0) return text.length >= PEEK_LIMIT ? undefined : null;
  const headers = text.slice(start, headersEnd);
  if (!/content-disposition:\s*form-data;\s*name="_csrf"\s*(\r\n|$)/i.test(headers))
    return undefined;
  const valueEnd = text.indexOf(`\r\n--${boundary}`, headersEnd + 4);
  if (valueEnd < 0) return text.length >= PEEK_LIMIT ? undefined : null;
  return text.slice(headersEnd + 4, valueEnd);
}

/**
 * A multipart form's CSRF token, so the token never travels in the address bar: forms put the
 * hidden `_csrf` input first, the browser sends it as the body's first part, and this reads that
 * part before the CSRF check and gives the bytes back to the stream for the route's own parser
 * (multer, with the route's limits). A header (X-CSRF-Token) is used as is; any other first part
 * leaves no token, and the CSRF check refuses the request.
 */
export function readMultipartCsrf(req: Request, _res: Response, next: NextFunction): void {
  const type = req.headers['content-type'] ?? '';
  if (req.method !== 'POST' || req.headers['x-csrf-token'] || !/^multipart\/form-data/i.test(type))
    return next();
  const boundary = boundaryOf(type);
  if (!boundary) return next();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (token: string | undefined) => {
    if (done) return;
    done = true;
    req.off('readable', onReadable);
    req.off('end', onEnd);
    req.off('error', onError);
    // Given back in the same tick as the last read, before the stream can emit 'end'.
    if (chunks.length) req.unshift(Buffer.concat(chunks));
    if (token) req.multipartCsrf = token;
    next();
  };
  function onReadable() {
    let chunk: Buffer | null;
    while (!done && (chunk = req.read() as Buffer | null) !== null) {
      chunks.push(chunk);
      size += chunk.length;
      const token = firstPartToken(Buffer.concat(chunks, size).subarray(0, PEEK_LIMIT), boundary!);
      if (token !== null) return finish(token);
      if (size >= PEEK_LIMIT) return finish(undefined);
    }
  }
  function onEnd() {
    done = true;
    req.multipartCsrf = undefined;
    next();
  }
  function onError(err: Error) {
    if (done) return;
    done = true;
    next(err);
  }
  req.on('readable', onReadable);
  req.once('end', onEnd);
  req.once('error', onError);
}
