import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { db } from '../../src/db/index.js';
import { rawSelect } from '../../src/db/raw-select.js';
import { dateOnlyFromDb } from '../../src/db/rows.js';
import { viewerDeadlineSql } from '../../src/incoming/incoming.deadline-sql.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { RegisterIncomingSchema } from '../../src/incoming/incoming.schemas.js';
import { registerIncoming } from '../../src/incoming/incoming.service.js';
import { mineCondition } from '../../src/incoming/incoming.visibility.js';
import type { User } from '../../src/users/user.model.js';

/**
 * The deadline a person sees (issue 11 §2: one definition per viewer) is read by one sub-select
 * of the document's handling work. Its definition word for word, as three sub-selects: someone
 * with handling work of their own (in person, or their unit when they head it) sees their own
 * open work's nearest deadline, and nothing once it is done; anyone else the nearest open
 * handling deadline, else the document's own due date.
 */
function definitionSql(user: User, alias: string): string {
  const mine = mineCondition(user);
  const on = `a.documentId = ${alias}.id AND a.role IN ('lead', 'support')`;
  const open = `a.status IN ('pending', 'in_progress')`;
  return `(CASE WHEN EXISTS (SELECT 1 FROM incoming_assignments AS a WHERE ${on} AND ${mine})
    THEN (SELECT MIN(a.deadline) FROM incoming_assignments AS a WHERE ${on} AND ${open} AND ${mine})
    ELSE COALESCE((SELECT MIN(a.deadline) FROM incoming_assignments AS a WHERE ${on} AND ${open}),
                  ${alias}.dueDate) END)`;
}

/** A small deterministic generator: the same documents on every run and both databases. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('the deadline each person sees: one read of the handling work, as the definition says', function () {
  this.timeout(120_000);

  it('gives every person the same date as the definition, on documents of every mix of work', async () => {
    await testApp();
    const agency = await buildAgency();
    const mineUnit = await buildDepartment(agency);
    const otherUnit = await buildDepartment(agency);
    const clerk = await buildUser(agency, ['clerk']);
    const leader = await buildUser(agency, ['leader']);
    const head = await buildUser(agency, ['dept_head'], { departmentId: mineUnit.id });
    const specialist = await buildUser(agency, ['specialist'], { departmentId: mineUnit.id });
    const colleague = await buildUser(agency, ['specialist'], { departmentId: otherUnit.id });
    const first = await registerIncoming(
      RegisterIncomingSchema.parse({
        fromOrganName: 'Sở Tài chính',
        documentType: 'CV',
        urgency: '0',
        confidentiality: '0',
        subject: 'Hạn xử lý theo người xem',
      }),
      [{ buffer: await makePdf(1), originalName: 'vb.pdf' }],
      { user: clerk, ip: '127.0.0.1' },
    );
    const model = (await IncomingDocument.findByPk(first.id))!.get({ plain: true });
    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const day = () =>
      next() < 0.25 ? null : `2026-12-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const documents = await IncomingDocument.bulkCreate(
      Array.from({ length: 80 }, (_, i) => ({
        ...model,
        id: undefined,
        arrivalNumber: 100 + i,
        dueDate: day(),
      })),
    );
    const assignees = [
      { assigneeUserId: specialist.id },
      { assigneeUserId: head.id },
      { assigneeDepartmentId: mineUnit.id },
      { assigneeDepartmentId: otherUnit.id },
      { assigneeUserId: colleague.id },
    ];
    for (const doc of documents) {
      // None, one or several pieces of work: handling or info-only, open, done or closed.
      for (let k = Math.floor(next() * 4); k > 0; k -= 1)
        await IncomingAssignment.create({
          documentId: doc.id,
          parentId: null,
          role: pick(['lead', 'support', 'support', 'info'] as const),
          assigneeUserId: null,
          assigneeDepartmentId: null,
          ...pick(assignees),
          assignedById: leader.id,
          deadline: day(),
          status: pick(['pending', 'in_progress', 'completed', 'closed'] as const),
          note: null,
        });
    }
    const dueDates = new Map<number, string | null>([
      [first.id, model.dueDate],
      ...documents.map((d): [number, string | null] => [d.id, d.dueDate]),
    ]);
    let differing = 0;
    for (const user of [clerk, leader, head, specialist, colleague]) {
      const rows = await rawSelect<{ id: unknown; seen: unknown; defined: unknown }>(
        db(),
        `SELECT d.id, ${viewerDeadlineSql(user, 'd')} AS seen, ${definitionSql(user, 'd')} AS defined
           FROM incoming_documents AS d WHERE d.agencyId = ? ORDER BY d.id`,
        [agency.id],
      );
      expect(rows).to.have.length(81);
      for (const row of rows) {
        const seen = row.seen == null ? null : dateOnlyFromDb(row.seen);
        const defined = row.defined == null ? null : dateOnlyFromDb(row.defined);
        expect(seen, `${user.username}, document ${String(row.id)}`).to.equal(defined);
        if (defined !== dueDates.get(Number(row.id))) differing += 1;
      }
    }
    // The documents are varied enough that most people's dates are not the due date.
    expect(differing).to.be.greaterThan(100);
  });
});
