import type {} from 'express-serve-static-core';
import type {} from 'express-session';
import type { Request } from 'express';
import type { TFunction } from 'i18next';
import type { SessionUser } from '../auth/session-store.js';
import type { Language } from '../i18n/index.js';
import type { User } from '../users/user.model.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user (session) or the token's owner (API). */
    user?: User;
    /** True when the request was authenticated by a personal access token. */
    viaToken?: boolean;
    /** Unread notifications of the signed-in user (pages: the bell). */
    unreadCount?: number;
    /** The session's user as the session store read it (see DatabaseSessionStore). */
    sessionUser?: SessionUser | null;
    lng: Language;
    t: TFunction;
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    lng?: string;
    flash?: { type: 'success' | 'error' | 'info'; message: string }[];
  }
}

/** Who does something and from where: what services need for the audit log. */
export interface Actor {
  user: User;
  ip: string | null;
}

/** The signed-in user and their address, as services take them. */
export const actorOf = (req: Request): Actor => ({ user: req.user!, ip: req.ip ?? null });

/** The same for services that record only the user's id in the audit log. */
export const auditActorOf = (req: Request): { userId: number; ip: string | null } => ({
  userId: req.user!.id,
  ip: req.ip ?? null,
});
