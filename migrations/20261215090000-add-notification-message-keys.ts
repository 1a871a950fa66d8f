import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { notificationText } from '../src/notifications/notification-text.js';

/*
 * Notifications follow their reader's language (issue 11 §7): a notification keeps the key of its
 * text and the text's parameters (messageKey, messageParams as JSON) and is put into words when it
 * is read, in the reader's language (notificationText). `message` stays for the rows written
 * before: those are shown as they were written. It stays NOT NULL (an empty string on keyed rows):
 * on SQLite a change of nullability rebuilds the table and would drop the unread-count triggers.
 *
 * The rows written before in fixed Vietnamese (approvals, outgoing) are turned into keys here
 * when their text is one of those fixed templates; the others had been written in their
 * recipient's own language already (incoming, deliveries, admin notices) and keep their text.
 */
interface LegacyTemplate {
  kinds: string[];
  pattern: RegExp;
  key: string;
  names: string[];
  urgent?: boolean;
}

const TEMPLATES: LegacyTemplate[] = [
  {
    kinds: ['approval.waiting'],
    pattern: /^Văn bản chờ bạn cho ý kiến: ([\s\S]*)$/u,
    key: 'notify:approval.waiting',
    names: ['title'],
  },
  {
    kinds: ['approval.rejected'],
    pattern: /^Dự thảo bị từ chối: ([\s\S]*)$/u,
    key: 'notify:approval.rejected',
    names: ['title'],
  },
  {
    kinds: ['approval.returned'],
    pattern: /^Dự thảo được trả lại: ([\s\S]*)$/u,
    key: 'notify:approval.returned',
    names: ['title'],
  },
  {
    kinds: ['approval.approved'],
    pattern: /^Dự thảo đã được duyệt$/u,
    key: 'notify:approval.approved',
    names: [],
  },
  {
    kinds: ['approval.comment'],
    pattern: /^([\s\S]*) góp ý về dự thảo$/u,
    key: 'notify:approval.comment',
    names: ['name'],
  },
  {
    kinds: ['approval.reminder'],
    pattern: /^Nhắc việc: (\d+) văn bản chờ cho ý kiến đã quá hạn, (\d+) đến hạn hôm nay$/u,
    key: 'notify:approval.reminder',
    names: ['overdue', 'dueToday'],
  },
  {
    kinds: ['outgoing.to_sign'],
    pattern: /^Văn bản chờ ký: ([\s\S]*)$/u,
    key: 'notify:outgoing.toSign',
    names: ['subject'],
  },
  {
    kinds: ['outgoing.to_issue'],
    pattern: /^Văn bản đã ký chờ phát hành: ([\s\S]*)$/u,
    key: 'notify:outgoing.toIssue',
    names: ['subject'],
  },
  {
    kinds: ['outgoing.to_issue_urgent'],
    pattern: /^\[KHẨN\] Văn bản đã ký chờ phát hành: ([\s\S]*)$/u,
    key: 'notify:outgoing.toIssue',
    names: ['subject'],
    urgent: true,
  },
  {
    kinds: ['outgoing.signed'],
    pattern: /^Văn bản đã được ký: ([\s\S]*)$/u,
    key: 'notify:outgoing.signed',
    names: ['subject'],
  },
  {
    kinds: ['outgoing.converted'],
    pattern: /^Đã chuyển "([\s\S]*)" sang PDF$/u,
    key: 'notify:outgoing.converted',
    names: ['name'],
  },
  {
    kinds: ['outgoing.conversion_failed'],
    pattern: /^Không chuyển được "([\s\S]*)" sang PDF$/u,
    key: 'notify:outgoing.conversionFailed',
    names: ['name'],
  },
  {
    kinds: ['outgoing.returned'],
    pattern: /^Văn bản bị trả lại: ([\s\S]*)$/u,
    key: 'notify:outgoing.returned',
    names: ['subject'],
  },
  {
    kinds: ['outgoing.issued'],
    pattern: /^Văn bản số (\S+) đã được ban hành: ([\s\S]*)$/u,
    key: 'notify:outgoing.issued',
    names: ['code', 'subject'],
  },
];

/** The key and parameters of a row written in fixed Vietnamese, or null when it is not one. */
export function legacyMessageKey(
  kind: string,
  message: string,
): { key: string; params: Record<string, unknown> } | null {
  for (const template of TEMPLATES) {
    if (!template.kinds.includes(kind)) continue;
    const match = template.pattern.exec(message);
    if (!match) continue;
    const params: Record<string, unknown> = {};
    template.names.forEach((name, i) => {
      const value = match[i + 1]!;
      params[name] = /^\d+$/.test(value) && name !== 'code' ? Number(value) : value;
    });
    if (template.urgent) params._prefix = { key: 'notify:urgentMark' };
    return { key: template.key, params };
  }
  return null;
}

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('notifications', 'messageKey', {
    type: DataTypes.STRING(120),
    allowNull: true,
  });
  await qi.addColumn('notifications', 'messageParams', { type: DataTypes.TEXT, allowNull: true });
  const kinds = [...new Set(TEMPLATES.flatMap((t) => t.kinds))];
  let lastId = 0;
  for (;;) {
    const rows = await qi.sequelize.query<{ id: number; kind: string; message: string }>(
      `SELECT id, kind, message FROM notifications
        WHERE id > ? AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY id LIMIT 500`,
      { replacements: [lastId, ...kinds], type: QueryTypes.SELECT },
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const keyed = legacyMessageKey(row.kind, row.message);
      if (!keyed) continue;
      await qi.sequelize.query(
        `UPDATE notifications SET messageKey = ?, messageParams = ?, message = '' WHERE id = ?`,
        { replacements: [keyed.key, JSON.stringify(keyed.params), row.id] },
      );
    }
    lastId = Number(rows[rows.length - 1]!.id);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  // The keyed rows get back their text, in Vietnamese.
  const rows = await qi.sequelize.query<{
    id: number;
    messageKey: string;
    messageParams: string | null;
  }>(
    "SELECT id, messageKey, messageParams FROM notifications WHERE messageKey IS NOT NULL AND message = ''",
    {
      type: QueryTypes.SELECT,
    },
  );
  for (const row of rows)
    await qi.sequelize.query('UPDATE notifications SET message = ? WHERE id = ?', {
      replacements: [notificationText({ ...row, message: '' }, 'vi'), row.id],
    });
  await qi.sequelize.query('ALTER TABLE notifications DROP COLUMN messageParams');
  await qi.sequelize.query('ALTER TABLE notifications DROP COLUMN messageKey');
}
