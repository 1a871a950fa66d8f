import type { Request, Response } from 'express';
import etag from 'etag';
import { ChangeKeyedCache } from '../db/change-keyed-cache.js';
import { hasFlash } from './flash.js';

/** A rendered page, as bytes ready to send, and its entity tag (the one Express would give it). */
interface KeptPage {
  body: Buffer;
  etag: string;
}

/**
 * Rendered pages kept per process until the next audited change (see ChangeKeyedCache), for the
 * pages opened all day long. A page is kept under what it was built from: the caller's key (its
 * data: whose, which query, which day) and the viewer's part of the layout (language, the
 * session's CSRF token, the bell's count, the user's row). A page with a message waiting to be
 * shown once is rendered afresh and not kept, since rendering it takes the message.
 */
export class KeptPages {
  private readonly pages: ChangeKeyedCache<KeptPage>;

  constructor(maxEntries: number) {
    this.pages = new ChangeKeyedCache(maxEntries);
  }

  /** Sends the page for `key`: kept, or rendered from `model()` (and kept when it may be). */
  async render(
    req: Request,
    res: Response,
    key: string,
    view: string,
    model: () => Promise<object> | object,
  ): Promise<void> {
    const viewer = viewerKey(req, res);
    if (viewer === null) return res.render(view, await model());
    const page = await this.pages.get(req.changeCount, `${viewer}|${key}`, async () => {
      const body = Buffer.from(await renderToString(res, view, await model()));
      return { body, etag: etag(body, { weak: true }) };
    });
    // With the tag set, Express neither hashes the body again nor misses a conditional GET.
    res.set('ETag', page.etag).type('html').send(page.body);
  }

  /** How many pages are kept (tests, diagnostics). */
  get size(): number {
    return this.pages.size;
  }
}

/** What the layout shows of the viewer, or null when the page must not be kept. */
function viewerKey(req: Request, res: Response): string | null {
  const user = req.user;
  if (!user || hasFlash(req)) return null;
  const locals = res.locals as { csrfToken?: string; unreadCount?: number };
  return [
    req.lng,
    user.id,
    user.updatedAt.getTime(),
    locals.unreadCount ?? 0,
    locals.csrfToken ?? '',
    req.path,
  ].join('|');
}

function renderToString(res: Response, view: string, model: object): Promise<string> {
  return new Promise((resolve, reject) =>
    res.render(view, model, (err: Error | null, html: string) =>
      err ? reject(err) : resolve(html),
    ),
  );
}
