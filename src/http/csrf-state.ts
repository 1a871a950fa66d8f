import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const COOKIE = 'eoffice.csrf';

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Where csrf-sync keeps a visitor's token: in the session once someone is signed in, and for an
 * anonymous visitor (the login form, the public verification page) in a cookie signed with the
 * session secret, so a visitor who only looks at a page leaves no session row behind.
 */
export function csrfTokenState(secret: string, secure: boolean) {
  const sign = (token: string) => createHmac('sha256', secret).update(token).digest('base64url');
  const signedIn = (req: Request) => Boolean(req.session?.userId);
  return {
    getTokenFromState(req: Request): string | undefined {
      if (signedIn(req)) return req.session.csrfToken ?? undefined;
      const raw = cookieValue(req, COOKIE);
      const dot = raw?.lastIndexOf('.') ?? -1;
      if (!raw || dot <= 0) return undefined;
      const token = raw.slice(0, dot);
      const mac = Buffer.from(raw.slice(dot + 1));
      const expected = Buffer.from(sign(token));
      return mac.length === expected.length && timingSafeEqual(mac, expected) ? token : undefined;
    },
    storeTokenInState(req: Request, token?: string | null): void {
      if (signedIn(req)) {
        req.session.csrfToken = token;
        return;
      }
      if (!token || req.res?.headersSent) return;
      req.res?.cookie(COOKIE, `${token}.${sign(token)}`, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        encode: (v: string) => v,
      });
    },
  };
}
