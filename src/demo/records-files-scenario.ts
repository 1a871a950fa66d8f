/**
 * The demo's records files (hồ sơ): a specialist's file of the coming year's budget with the
 * documents of that work, shared with the office's chief; the clerk's file of the year's
 * correspondence; and last year's file, closed eleven months ago, whose archive transfer is due
 * within 30 days (its keeper and the clerks are told).
 */
import { db } from '../db/index.js';
import { rawSelect } from '../db/raw-select.js';
import { visibleIncomingSql } from '../incoming/incoming.visibility.js';
import {
  addDocumentToFile,
  closeRecordsFile,
  createRecordsFile,
  shareRecordsFile,
} from '../records-files/records-files.service.js';
import { sendTransferNotices } from '../records-files/records-files.notices.js';
import type { User } from '../users/user.model.js';
import { shiftDays, vietnamTime, type DemoContext } from './context.js';

/** The newest (or the oldest) incoming documents the person may see. */
async function visibleIncoming(
  user: User,
  limit: number,
  order: 'newest' | 'oldest' = 'newest',
): Promise<number[]> {
  const rows = await rawSelect<{ id: unknown }>(
    db(),
    `SELECT IncomingDocument.id FROM incoming_documents AS IncomingDocument
      WHERE ${visibleIncomingSql(user)}
      ORDER BY IncomingDocument.id ${order === 'newest' ? 'DESC' : 'ASC'} LIMIT ${limit}`,
    [],
  );
  return rows.map((r) => Number(r.id));
}

export async function seedRecordsFiles(ctx: DemoContext): Promise<number> {
  const year = Number(ctx.today.slice(0, 4));
  const actorOf = (username: string) => {
    const { user, ip } = ctx.as(username);
    return { user, audit: { userId: user.id, ip } };
  };
  const specialist = actorOf('chuyenvien.tckh');
  const clerk = actorOf('vanthu');

  const budget = await createRecordsFile(
    specialist.user,
    {
      code: 'TCKH.01',
      title: `Hồ sơ xây dựng dự toán ngân sách huyện năm ${year + 1}`,
      description: 'Văn bản hướng dẫn của tỉnh, báo cáo của các xã và dự thảo trình HĐND.',
      year,
      retention: 10,
      departmentId: ctx.dept('TCKH'),
    },
    specialist.audit,
  );
  for (const documentId of await visibleIncoming(specialist.user, 3))
    await addDocumentToFile(
      specialist.user,
      budget.id,
      { fileId: budget.id, kind: 'incoming', documentId },
      specialist.audit,
    );
  await shareRecordsFile(
    specialist.user,
    budget.id,
    { userId: ctx.users.get('chanhvanphong')!.id, canAdd: false },
    specialist.audit,
  );

  const correspondence = await createRecordsFile(
    clerk.user,
    {
      code: '01.VP',
      title: `Tập lưu văn bản đi, văn bản đến về công tác văn thư năm ${year}`,
      year,
      retention: null,
      departmentId: ctx.dept('VP'),
    },
    clerk.audit,
  );
  for (const documentId of await visibleIncoming(clerk.user, 2))
    await addDocumentToFile(
      clerk.user,
      correspondence.id,
      { fileId: correspondence.id, kind: 'incoming', documentId },
      clerk.audit,
    );

  const lastYear = await createRecordsFile(
    clerk.user,
    {
      code: '05.VP',
      title: `Hồ sơ tổ chức Hội nghị tổng kết công tác năm ${year - 2}`,
      year: year - 1,
      retention: 20,
      departmentId: ctx.dept('VP'),
    },
    clerk.audit,
  );
  // Opened for last year's conference and closed eleven months ago: the transfer falls due
  // within the month. (Its opening is dated as the demo's history would have it.)
  await db().query('UPDATE records_files SET createdAt = ?, updatedAt = ? WHERE id = ?', {
    replacements: [
      vietnamTime(shiftDays(ctx.today, -420), 9),
      vietnamTime(shiftDays(ctx.today, -420), 9),
      lastYear.id,
    ],
  });
  // A file is closed with its documents in it: the demo's earliest ones stand for last year's.
  for (const documentId of await visibleIncoming(clerk.user, 2, 'oldest'))
    await addDocumentToFile(
      clerk.user,
      lastYear.id,
      { fileId: lastYear.id, kind: 'incoming', documentId },
      clerk.audit,
    );
  await closeRecordsFile(clerk.user, lastYear.id, clerk.audit, shiftDays(ctx.today, -340));
  await sendTransferNotices(ctx.today);
  return 3;
}
