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

export function takeFlash(req: Request) {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
