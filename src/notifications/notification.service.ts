import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { SmtpConfig } from '../config.js';
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { insertRows } from '../db/raw-write.js';
import type { Transaction } from 'sequelize';
import {
  atTransactionEnd,
  FINAL_STEP,
  withTransaction,
  type TxOptions,
} from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { User } from '../users/user.model.js';
import { Notification } from './notification.model.js';
import { notificationText, renderMessage, type MessageParams } from './notification-text.js';

/**
 * One notification: its text as a key and parameters (see notification-text.ts), put into words
 * when it is read, in the language of whoever reads it (the bell, the page, the mail).
 */
export interface NotificationInput {
  userId: number;
  kind: string;
  key: string;
  params?: MessageParams;
  link?: string | null;
}

let mailer: { transport: Transporter; from: string; baseUrl: string; logger?: Logger } | null =
  null;

/** Turns on e-mail copies of notifications (called at startup when SMTP is configured). */
export function configureMail(smtp: SmtpConfig | null, baseUrl: string, logger?: Logger): void {
  mailer = smtp
    ? {
        transport: nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure,
          auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
        }),
        from: smtp.from,
        baseUrl,
        logger,
      }
    : null;
}

export function configureMailTransport(
  transport: Transporter | null,
  from = 'eOffice <test@localhost>',
): void {
  mailer = transport ? { transport, from, baseUrl: 'http://localhost:3000' } : null;
}

/**
 * Notifies users in the app (the bell), inside the caller's transaction, and queues e-mail copies
 * that are sent after the caller's work: mail never holds a transaction open or fails a hand-over.
 */
export async function notify(inputs: NotificationInput[], options?: TxOptions): Promise<void> {
  if (inputs.length === 0) return;
  const transaction = options?.transaction ?? undefined;
  if (transaction) {
    // Written when the transaction's own work is done (see insertNotifications).
    let pending = pendingNotifications.get(transaction);
    if (!pending) {
      const queued: NotificationInput[] = [];
      if (
        atTransactionEnd(
          transaction,
          () => insertNotifications(queued, transaction),
          FINAL_STEP.notifications,
        )
      ) {
        pendingNotifications.set(transaction, queued);
        pending = queued;
      }
    }
    if (pending) pending.push(...inputs);
    else await insertNotifications(inputs, transaction);
  } else {
    await insertNotifications(inputs);
  }
  if (!mailer) return;
  const send = () => void sendMail(inputs);
  if (transaction) transaction.afterCommit(send);
  else send();
}

const pendingNotifications = new WeakMap<Transaction, NotificationInput[]>();

/**
 * Inserts the notifications in the order of their people: each insert's trigger locks its
 * person's unread count (notification_unread), so two transactions lock those rows in one
 * order and cannot wait on each other there.
 */
async function insertNotifications(
  inputs: NotificationInput[],
  transaction?: Transaction,
): Promise<void> {
  if (inputs.length === 0) return;
  const sorted = [...inputs].sort((a, b) => a.userId - b.userId);
  await insertRows(
    Notification,
    sorted.map((n) => ({
      userId: n.userId,
      kind: n.kind,
      message: '',
      messageKey: n.key,
      messageParams: n.params ? JSON.stringify(n.params) : null,
      link: n.link ?? null,
    })),
    transaction,
  );
}

async function sendMail(inputs: NotificationInput[]): Promise<void> {
  if (!mailer) return;
  const { transport, from, baseUrl, logger } = mailer;
  const users = await User.findAll({ where: { id: inputs.map((n) => n.userId) } });
  for (const input of inputs) {
    const user = users.find((u) => u.id === input.userId);
    if (!user?.email) continue;
    const to = user.email;
    const link = input.link ? `${baseUrl}${input.link}` : baseUrl;
    // In the recipient's own language, as their bell shows it.
    const text = renderMessage({ key: input.key, params: input.params }, user.locale);
    try {
      await transport.sendMail({
        from,
        to,
        subject: `[eOffice] ${text}`,
        text: `${text}\n\n${link}`,
      });
    } catch (err) {
      logger?.warn({ err, to }, 'notification e-mail not sent');
    }
  }
}

/** The bell's count: kept on the user's row by triggers on notifications (see its migration). */
export async function unreadCount(userId: number): Promise<number> {
  const [row] = await rawSelect<{ unread: unknown }>(
    db(),
    'SELECT unread FROM notification_unread WHERE userId = ?',
    [userId],
  );
  return Number(row?.unread ?? 0);
}

export async function listNotifications(userId: number, limit = 50): Promise<Notification[]> {
  return Notification.findAll({ where: { userId }, order: [['id', 'DESC']], limit });
}

/** A person's latest notifications as they read them: each text in the reader's language. */
export async function readableNotifications(userId: number, lng: string, limit = 50) {
  return (await listNotifications(userId, limit)).map((n) => ({
    id: n.id,
    kind: n.kind,
    link: n.link,
    isRead: n.isRead,
    createdAt: n.createdAt,
    message: notificationText(n, lng),
  }));
}

/** Marks one notification (or all of the person's) read; an audited change when one was unread. */
export async function markRead(
  userId: number,
  id?: number,
  ip: string | null = null,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const [marked] = await Notification.update(
      { isRead: true },
      { where: id ? { userId, id, isRead: false } : { userId, isRead: false }, transaction },
    );
    // Audited like any change (one row for "all read"), not when nothing was unread.
    if (marked)
      await recordAudit(
        {
          action: 'notification.read',
          userId,
          ip,
          entityType: id ? 'notification' : 'user',
          entityId: id ?? userId,
          details: id ? null : { count: marked },
        },
        { transaction },
      );
  });
}
