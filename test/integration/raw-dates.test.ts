import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';
import { makePdf } from '../fixtures/pdf.js';
import { db } from '../../src/db/index.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { listIncoming } from '../../src/incoming/incoming.queries.js';
import { ListQuerySchema } from '../../src/incoming/incoming.schemas.js';
import { DocumentJob } from '../../src/documents/document-job.model.js';
import {
  enqueueJob,
  registerJobHandler,
  runQueuedJobs,
  unregisterJobHandler,
} from '../../src/documents/document-jobs.js';
import { StoredFile } from '../../src/files/file.model.js';
import { ORPHAN_HOURS, sweepOrphanFiles } from '../../src/files/file-sweep.js';
import { storeUpload } from '../../src/files/file-storage.service.js';
import type { User } from '../../src/users/user.model.js';

/** Sets when stored files were last stored (Sequelize's update would write now instead). */
const ageStoredFiles = (ids: number | number[], at: Date) =>
  db().query('UPDATE stored_files SET updatedAt = ? WHERE id IN (?)', {
    replacements: [at, ids],
  });

// Dates given to hand-written SQL must be written as the models write the columns (+07:00 on
// MariaDB, "+00:00" text on SQLite) whatever the Node process's own time zone is.
const vietnam = (day: string, time: string) => new Date(`${day}T${time}:00+07:00`);
const HOUR = 3600_000;

/** Runs `body` with the Node process in another time zone (Date and moment follow process.env.TZ). */
async function inTimeZone(zone: string, body: () => Promise<void>): Promise<void> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

const ZONES = ['UTC', 'Asia/Ho_Chi_Minh'];

describe('Dates in hand-written SQL (the columns time zone, not the process one)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  describe("the incoming list's arrival date filters (từ ngày / đến ngày)", () => {
    let clerk: User;
    let ids: Record<string, number>;
    before(async () => {
      const office = await buildOffice();
      clerk = office.clerk;
      const actor = await signIn(ctx.app, clerk);
      const at: Record<string, Date> = {
        // 9 November 23:55 and 10 November 00:05 in Vietnam are both 9 November in UTC.
        lateOn9: vietnam('2026-11-09', '23:55'),
        earlyOn10: vietnam('2026-11-10', '00:05'),
        // 06:55 is still 9 November in UTC (the hours a UTC-written date got wrong).
        dawnOn10: vietnam('2026-11-10', '06:55'),
        lateOn10: vietnam('2026-11-10', '23:55'),
        earlyOn11: vietnam('2026-11-11', '00:05'),
      };
      ids = {};
      for (const [name, arrival] of Object.entries(at)) {
        ids[name] = await registerThroughForm(actor, { subject: `Đến lúc ${name}` });
        // Written through the model, as registering writes the column.
        await IncomingDocument.update({ arrivalDate: arrival }, { where: { id: ids[name] } });
      }
    });

    const cases: [string, Record<string, string>, string[]][] = [
      [
        'from 10/11 to 10/11',
        { from: '10/11/2026', to: '10/11/2026' },
        ['earlyOn10', 'dawnOn10', 'lateOn10'],
      ],
      ['from 10/11', { from: '10/11/2026' }, ['earlyOn10', 'dawnOn10', 'lateOn10', 'earlyOn11']],
      ['to 10/11', { to: '10/11/2026' }, ['lateOn9', 'earlyOn10', 'dawnOn10', 'lateOn10']],
      ['to 09/11', { to: '09/11/2026' }, ['lateOn9']],
      ['from 11/11', { from: '11/11/2026' }, ['earlyOn11']],
    ];
    for (const zone of ZONES)
      for (const [label, filter, expected] of cases)
        it(`${label}: exactly the documents of those Vietnam days, counted as listed (process in ${zone})`, () =>
          inTimeZone(zone, async () => {
            const query = ListQuerySchema.parse({ tab: 'all', ...filter });
            // The "all" tab counts the list, then reads its page: both take the dates.
            const list = await listIncoming(clerk, query);
            const want = expected.map((name) => ids[name]).sort();
            expect(list.rows.map((r) => r.document.id).sort()).to.deep.equal(want);
            expect(list.total).to.equal(want.length);
          }));

    it('the list page and its Excel export take the same filter', async () => {
      const actor = await signIn(ctx.app, clerk);
      const page = await actor.session.agent.get('/incoming?tab=all&from=10/11/2026');
      expect(page.status).to.equal(200);
      const listed = [...page.text.matchAll(/<tr class="[^"]*" data-id="(\d+)">/g)]
        .map((m) => Number(m[1]))
        .sort();
      expect(listed).to.deep.equal(
        [ids.earlyOn10, ids.dawnOn10, ids.lateOn10, ids.earlyOn11].sort(),
      );
      const xlsx = await actor.session.agent.get('/incoming/export.xlsx?tab=all&from=10/11/2026');
      expect(xlsx.status).to.equal(200);
      expect(xlsx.headers['x-export-rows']).to.equal('4');
      expect(xlsx.headers['x-export-total']).to.equal('4');
    });
  });

  describe("a document job's lease", () => {
    afterEach(() => unregisterJobHandler('raw_dates_test'));

    for (const zone of ZONES)
      it(`a running job is not claimed again by another runner before its lease ends (process in ${zone})`, () =>
        inTimeZone(zone, async () => {
          const office = await buildOffice();
          const job = await db().transaction((transaction) =>
            enqueueJob(
              'raw_dates_test',
              { kind: 'incoming', id: 0 },
              {},
              office.clerk.id,
              transaction,
            ),
          );
          let runs = 0;
          let second = -1;
          registerJobHandler('raw_dates_test', async () => {
            runs += 1;
            // Another process polls while this one works: the lease (5 minutes) still holds.
            if (runs === 1) second = await runQueuedJobs();
          });
          await runQueuedJobs();
          expect(second, 'jobs the second runner took').to.equal(0);
          expect(runs).to.equal(1);
          const after = await DocumentJob.findByPk(job.id);
          expect(after!.status).to.equal('done');
          expect(after!.attempts).to.equal(1);
        }));
  });

  describe("a stored file's row (one hand-written INSERT on MariaDB)", () => {
    for (const zone of ZONES)
      it(`is dated when the file was stored (process in ${zone})`, () =>
        inTimeZone(zone, async () => {
          const from = Date.now();
          const stored = await storeUpload(await makePdf(1, `Luc luu ${zone} ${from}`), 'luu.pdf');
          const to = Date.now();
          const row = (await StoredFile.findByPk(stored.storedFile.id))!;
          expect(row.createdAt.getTime()).to.be.within(from, to);
          expect(row.updatedAt.getTime()).to.equal(row.createdAt.getTime());
        }));
  });

  describe('the orphan files sweep', () => {
    for (const zone of ZONES)
      it(`removes an unlinked file older than ${ORPHAN_HOURS} hours, keeps a younger one (process in ${zone})`, () =>
        inTimeZone(zone, async () => {
          const older = await storeUpload(await makePdf(1, `Cu ${zone}`), 'cu.pdf');
          const younger = await storeUpload(await makePdf(1, `Moi ${zone}`), 'moi.pdf');
          const now = Date.now();
          await ageStoredFiles(older.storedFile.id, new Date(now - (ORPHAN_HOURS + 1) * HOUR));
          await ageStoredFiles(younger.storedFile.id, new Date(now - (ORPHAN_HOURS - 1) * HOUR));
          await sweepOrphanFiles(new Date(now));
          expect(await StoredFile.findByPk(older.storedFile.id), 'the older file').to.equal(null);
          expect(await StoredFile.findByPk(younger.storedFile.id), 'the younger file').to.not.equal(
            null,
          );
        }));
  });
});
