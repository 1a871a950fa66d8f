import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { answerClientErrors } from './client-error.js';

/**
 * The largest request line plus headers, in bytes: Node's default, said here so it is a choice.
 * A search link with every filter fits many times over; anything longer is refused by the parser
 * (431) with the Vietnamese page of client-error.ts, not a bare status line.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Serves the app on a port: every entry point (the server, its cluster workers, the demo) listens
 * through here, so a request the HTTP parser refuses always gets its page.
 */
export function listenApp(app: Express, port: number, onListening?: () => void): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  answerClientErrors(server);
  server.listen(port, onListening);
  return server;
}
