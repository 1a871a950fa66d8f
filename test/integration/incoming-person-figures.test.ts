import { expect } from 'chai';
import { testApp } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { registerDocument } from '../factories/incoming.js';
import { todayInVietnam, vietnamDayEnd, vietnamDayStart } from '../../src/calendar/working-days.js';
import { db } from '../../src/db/index.js';
import { rawSelect } from '../../src/db/raw-select.js';
import { dateOnlyFromDb } from '../../src/db/rows.js';
import { viewerDeadlineSql, viewerOverdueSql } from '../../src/incoming/incoming.deadline-sql.js';
import {
  INCOMING_STATUSES,
  IncomingAssignment,
  IncomingDocument,
} from '../../src/incoming/incoming.model.js';
import { incomingCounters } from '../../src/incoming/incoming.queries.js';
import {
  DOC,
  mineCondition,
  tabSql,
  visibleIncomingSql,
} from '../../src/incoming/incoming.visibility.js';
import type { User } from '../../src/users/user.model.js';

/**
 * The deadline a person sees (issue 11 §2: one definition per viewer), word for word as three
 * sub-selects: someone with handling work of their own (in person, or their unit when they head
 * it) sees their own open work's nearest deadline, and nothing once it is done; anyone else the
 * nearest open handling deadline, else the document's own due date. The product reads it with
 * one sub-select of the document's handling work.
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

describe("a person's figures, read as their definitions say, on documents of every mix of work", function () {
  this.timeout(120_000);
  let agencyId = 0;
  let people: User[] = [];
  const dueDates = new Map<number, string | null>();

  before(async () => {
    await testApp();
    const agency = await buildAgency();
    agencyId = agency.id;
    const mineUnit = await buildDepartment(agency);
    const otherUnit = await buildDepartment(agency);
    const clerk = await buildUser(agency, ['clerk'], { secretClearance: 2 });
    const unclearedClerk = await buildUser(agency, ['clerk'], { secretClearance: 0 });
    const leader = await buildUser(agency, ['leader'], { secretClearance: 1 });
    const head = await buildUser(agency, ['dept_head'], { departmentId: mineUnit.id });
    const specialist = await buildUser(agency, ['specialist'], { departmentId: mineUnit.id });
    const colleague = await buildUser(agency, ['specialist'], { departmentId: otherUnit.id });
    people = [clerk, unclearedClerk, leader, head, specialist, colleague];
    const first = await registerDocument(clerk, { subject: 'Hạn xử lý theo người xem' });
    const model = (await IncomingDocument.findByPk(first.id))!.get({ plain: true });
    dueDates.set(first.id, model.dueDate);
    const next = random(7);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
    const day = () =>
      next() < 0.25 ? null : `2026-12-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`;
    const today = vietnamDayStart(todayInVietnam()).getTime();
    const documents = await IncomingDocument.bulkCreate(
      Array.from({ length: 80 }, (_, i) => ({
        ...model,
        id: undefined,
        arrivalNumber: 100 + i,
        dueDate: day(),
        status: pick(INCOMING_STATUSES),
        presentedToId: next() < 0.5 ? leader.id : null,
        confidentiality: pick([0, 0, 0, 1, 2]),
        // Registered today, yesterday or last month.
        createdAt: new Date(today + pick([2, -20, -24 * 30]) * 3_600_000),
      })),
    );
    const assignees = [
      { assigneeUserId: specialist.id },
      { assigneeUserId: head.id },
      { assigneeDepartmentId: mineUnit.id },
      { assigneeDepartmentId: otherUnit.id },
      { assigneeUserId: colleague.id },
      { assigneeUserId: leader.id },
    ];
    for (const doc of documents) {
      dueDates.set(doc.id, doc.dueDate);
      // None, one or several pieces of work: handling or info-only, open, done or closed,
      // given by the leader or handed on by the head.
      for (let k = Math.floor(next() * 4); k > 0; k -= 1)
        await IncomingAssignment.create({
          documentId: doc.id,
          parentId: null,
          role: pick(['lead', 'support', 'support', 'info'] as const),
          assigneeUserId: null,
          assigneeDepartmentId: null,
          ...pick(assignees),
          assignedById: pick([leader.id, leader.id, head.id]),
          deadline: day(),
          status: pick(['pending', 'in_progress', 'completed', 'closed', 'returned'] as const),
          note: null,
        });
    }
  });

  it('gives every person the deadline of the definition', async () => {
    let notDueDate = 0;
    for (const user of people) {
      const rows = await rawSelect<{ id: unknown; seen: unknown; defined: unknown }>(
        db(),
        `SELECT d.id, ${viewerDeadlineSql(user, 'd')} AS seen, ${definitionSql(user, 'd')} AS defined
           FROM incoming_documents AS d WHERE d.agencyId = ? ORDER BY d.id`,
        [agencyId],
      );
      expect(rows).to.have.length(81);
      for (const row of rows) {
        const seen = row.seen == null ? null : dateOnlyFromDb(row.seen);
        const defined = row.defined == null ? null : dateOnlyFromDb(row.defined);
        expect(seen, `${user.username}, document ${String(row.id)}`).to.equal(defined);
        if (defined !== dueDates.get(Number(row.id))) notDueDate += 1;
      }
    }
    // Varied enough that most people's dates are not the document's due date.
    expect(notDueDate).to.be.greaterThan(150);
  });

  it("counts the dashboard's figures as one walk of everything the person may see would", async () => {
    const today = todayInVietnam();
    const registered = `${DOC}.createdAt >= ? AND ${DOC}.createdAt < ?`;
    let counted = 0;
    for (const user of people) {
      const toHandle = tabSql(user, 'toHandle');
      const inProgress = tabSql(user, 'inProgress');
      const figures = {
        toHandle,
        inProgress,
        overdue: `((${toHandle}) OR (${inProgress})) AND ${viewerOverdueSql(user, DOC, today)}`,
        forInfo: tabSql(user, 'forInfo'),
        registeredToday: registered,
      };
      const [walked] = await rawSelect<Record<string, unknown>>(
        db(),
        `SELECT ${Object.entries(figures)
          .map(([name, sql]) => `SUM(CASE WHEN ${sql} THEN 1 ELSE 0 END) AS ${name}`)
          .join(', ')}
           FROM incoming_documents AS ${DOC} WHERE ${visibleIncomingSql(user)}`,
        [vietnamDayStart(today), vietnamDayEnd(today)],
      );
      const expected = Object.fromEntries(
        Object.keys(figures).map((name) => [name, Number(walked[name] ?? 0)]),
      );
      expect(await incomingCounters(user), user.roleList().join()).to.deep.equal(expected);
      counted += Object.values(expected).reduce((a, b) => a + b, 0);
    }
    expect(counted).to.be.greaterThan(100);
  });
});
