/**
 * A small server-sent events client for tests and the meeting benchmark: raw HTTP, frames parsed
 * as they arrive (id, event, data), a wait for the first event that matches.
 */
import http from 'node:http';

export interface SseEvent {
  id: number | null;
  event: string;
  data: string;
  receivedAt: number;
}

export interface SseStream {
  status: number;
  events: SseEvent[];
  /** Resolves with the first event (already received or to come) that matches. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Parses a stream's text into events; returns the events and the unfinished rest. */
export function parseFrames(text: string): {
  frames: Omit<SseEvent, 'receivedAt'>[];
  rest: string;
} {
  const frames: Omit<SseEvent, 'receivedAt'>[] = [];
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: number | null = null;
    let event = 'message';
    const data: string[] = [];
    let any = false;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const at = line.indexOf(':');
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
      if (field === 'id') id = Number(value);
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else continue;
      any = true;
    }
    if (any && (data.length || event !== 'message'))
      frames.push({ id, event, data: data.join('\n') });
  }
  return { frames, rest };
}

/** Opens an event stream; resolves once the response headers arrived. */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
  agent?: http.Agent,
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters: { match: (e: SseEvent) => boolean; done: (e: SseEvent) => void }[] = [];
    let endedResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endedResolve = r));
    const req = http.get(
      url,
      { headers: { Accept: 'text/event-stream', ...headers }, agent },
      (res) => {
        res.setEncoding('utf8');
        // A server that goes away mid-stream ends it; the test reads `ended`.
        res.on('error', endedResolve);
        let buffer = '';
        res.on('data', (chunk: string) => {
          const { frames, rest } = parseFrames(buffer + chunk);
          buffer = rest;
          const now = Date.now();
          for (const f of frames) {
            const e = { ...f, receivedAt: now };
            events.push(e);
            for (const w of [...waiters])
              if (w.match(e)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.done(e);
              }
          }
        });
        res.on('end', endedResolve);
        res.on('close', endedResolve);
        resolve({
          status: res.statusCode ?? 0,
          events,
          ended,
          waitFor(match, timeoutMs = 5000) {
            const seen = events.find(match);
            if (seen) return Promise.resolve(seen);
            return new Promise((ok, fail) => {
              const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(waiter), 1);
                fail(
                  new Error(
                    `no matching event within ${timeoutMs} ms; got ${events.map((e) => e.data).join(' | ')}`,
                  ),
                );
              }, timeoutMs);
              const waiter = {
                match,
                done: (e: SseEvent) => {
                  clearTimeout(timer);
                  ok(e);
                },
              };
              waiters.push(waiter);
            });
          },
          close() {
            req.destroy();
          },
        });
      },
    );
    req.on('error', reject);
  });
}

/** The type and data of an event written by the meetings stream. */
export function meetingEventOf(e: SseEvent): { type: string; data: Record<string, unknown> } {
  try {
    return JSON.parse(e.data) as { type: string; data: Record<string, unknown> };
  } catch {
    return { type: e.event, data: {} };
  }
}
