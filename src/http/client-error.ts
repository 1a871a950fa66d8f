import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

// Node's HTTP parser refuses some requests before Express sees them (a request line or headers
// over 16 KB, malformed syntax) and by default answers with a bare status line. The person behind
// an over-long search link gets a page saying what happened, in Vietnamese first.
const MESSAGES: Record<number, { vi: string; en: string }> = {
  431: {
    vi: 'Địa chỉ hoặc phần đầu của yêu cầu quá dài nên máy chủ không nhận. Hãy rút gọn điều kiện lọc, tìm kiếm rồi thử lại.',
    en: 'The address or the request headers are too long for the server. Shorten the filters or search and try again.',
  },
  400: {
    vi: 'Yêu cầu không đúng định dạng nên máy chủ không đọc được.',
    en: 'The request is malformed and the server could not read it.',
  },
};

/** The status a refused request gets: 431 for what is too long, 400 for the rest. */
export function statusForClientError(code: string | undefined): 400 | 431 {
  return code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
}

/** The API's error codes for what the parser refused (`{ error: { code, message } }`). */
const API_CODES: Record<400 | 431, string> = { 431: 'REQUEST_TOO_LONG', 400: 'MALFORMED_REQUEST' };

/**
 * Whether the refused request was for the JSON API, read from the start of what was received
 * (the request line): its callers expect the API's JSON error, not a page.
 */
export function isApiRequest(raw: Buffer | undefined): boolean {
  return /^[A-Z]{3,10} \/api\//.test(raw ? raw.subarray(0, 32).toString('latin1') : '');
}

/**
 * The whole HTTP response (status line, headers, body) for a request the parser refused: a page,
 * or the API's JSON error for a request to /api/.
 */
export function clientErrorResponse(status: 400 | 431, api = false): string {
  const { vi, en } = MESSAGES[status];
  if (api)
    return rawResponse(
      status,
      'application/json; charset=utf-8',
      JSON.stringify({
        error: { code: API_CODES[status], message: vi },
      }),
    );
  const body = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${status} · eOffice</title></head>
<body>
<h1>Không thực hiện được yêu cầu (${status})</h1>
<p>${vi}</p>
<p lang="en">${en}</p>
<p><a href="/">Về trang chủ</a></p>
</body></html>
`;
  return rawResponse(status, 'text/html; charset=utf-8', body);
}

function rawResponse(status: number, type: string, body: string): string {
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    `Content-Type: ${type}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Content-Security-Policy: default-src 'none'",
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers requests that Node's parser refuses with a page instead of a bare status line. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing to answer on a connection that is gone or has already had a response started.
    if (
      err.code === 'ECONNRESET' ||
      !socket.writable ||
      (socket as { _httpMessage?: unknown })._httpMessage
    ) {
      socket.destroy();
      return;
    }
    const raw = (err as { rawPacket?: Buffer }).rawPacket;
    socket.end(clientErrorResponse(statusForClientError(err.code), isApiRequest(raw)));
  });
}
