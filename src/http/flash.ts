import type { Request } from 'express';

/** Queues a message shown once on the next page (post/redirect/get). */
export function flash(req: Request, type: 'success' | 'error' | 'info', message: string): void {
  if (!req.session) return;
  req.session.flash = [...(req.session.flash ?? []), { type, message }];
}

/** Whether a message waits to be shown (a page rendered now would take it). */
export function hasFlash(req: Request): boolean {
  return Boolean(req.session?.flash?.length);
}

// What was done is read first, then what went wrong, then what to know about it ("Đã lưu hồ
// sơ." before "Văn bản đã được đưa vào hồ sơ 01.VP."), whatever order the handler queued them in.
const ORDER = { success: 0, error: 1, info: 2 } as const;

/** The queued messages, once, in the order above (each kind in its queued order). */
export function takeFlash(req: Request) {
  const messages = [...(req.session?.flash ?? [])].sort((a, b) => ORDER[a.type] - ORDER[b.type]);
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
