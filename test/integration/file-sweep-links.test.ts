import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { testApp } from '../helpers/test-app.js';
import { buildMeeting } from '../helpers/meeting-minutes-fixture.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { db } from '../../src/db/index.js';
import { dialectOf } from '../../src/db/sequelize.js';
import { foreignKeys } from '../../src/db/foreign-keys.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { storageDir, storedFilePath, storeUpload } from '../../src/files/file-storage.service.js';
import {
  ORPHAN_HOURS,
  storedFileLinks,
  sweepOrphanFiles,
  sweepSteps,
} from '../../src/files/file-sweep.js';
import { MeetingItem } from '../../src/meetings/meeting.model.js';
import { MeetingMinutes, MINUTES_FILE_KIND } from '../../src/meetings/meeting-minutes.model.js';
import { MeetingTask } from '../../src/meetings/meeting-task.model.js';
import { addUploadedDocuments } from '../../src/meetings/meetings.prepare.documents.js';

/** Sets when stored files were last stored (Sequelize's update would write now instead). */
const ageStoredFiles = (ids: number | number[], at: Date) =>
  db().query('UPDATE stored_files SET updatedAt = ? WHERE id IN (?)', {
    replacements: [at, ids],
  });

const HOUR = 3600_000;
const keyOf = (l: { table: string; column: string }) => `${l.table}.${l.column}`;

/**
 * Columns whose names say "file" but that hold no stored file's id, each with what it holds; any
 * other such column must be a declared foreign key, which is what the sweep reads.
 */
const HOLDS_SOMETHING_ELSE: Record<string, string> = {
  'signing_sessions.sourceFileId': 'document_files.id: the version a token signs',
};

describe('the orphan files sweep keeps every file a row links to', function () {
  this.timeout(60_000);
  before(() => testApp());

  it('keeps a file linked only through each column that refers to stored_files; removes an old orphan, keeps a fresh one', async () => {
    const agency = await buildAgency();
    const chair = await buildUser(agency, ['leader']);
    const secretary = await buildUser(agency, ['clerk']);
    const meeting = await buildMeeting({ chair, secretary });
    const item = (await MeetingItem.findOne({ where: { meetingId: meeting.id, position: 2 } }))!;
    const pdf = (what: string) => makePdf(1, `${what} ${meeting.id}`);

    // The agenda upload the defect lost: the organiser adds it as the page does.
    const [itemDoc] = await addUploadedDocuments(
      { user: secretary, ip: null },
      meeting.id,
      item.id,
      [{ buffer: await pdf('Tai lieu hop'), originalName: 'tai-lieu.pdf' }],
      {},
    );
    // The services link minutes and a task's result through document_files as well; here each
    // file is linked through its own column only, so each column is shown to keep its file.
    const minutesFile = await storeUpload(await pdf('Bien ban'), 'bien-ban.pdf');
    const minutes = await MeetingMinutes.create({
      meetingId: meeting.id,
      body: 'Biên bản',
      fileId: minutesFile.storedFile.id,
    });
    const taskFile = await storeUpload(await pdf('Ket qua'), 'ket-qua.pdf');
    await MeetingTask.create({
      agencyId: agency.id,
      meetingId: meeting.id,
      conclusionId: null,
      content: 'Báo cáo kết quả',
      holderUserId: secretary.id,
      holderDepartmentId: null,
      assignedById: chair.id,
      startDate: '2026-12-01',
      workingDays: null,
      deadline: '2026-12-10',
      status: 'done',
      completionFileId: taskFile.storedFile.id,
      completionFileName: 'ket-qua.pdf',
    });
    const documentFile = await storeUpload(await pdf('Du thao'), 'du-thao.pdf');
    await DocumentFile.create({
      documentKind: MINUTES_FILE_KIND,
      documentId: minutes.id,
      fileId: documentFile.storedFile.id,
      originalName: 'du-thao.pdf',
    });
    const linkedThrough: Record<string, number> = {
      'document_files.fileId': documentFile.storedFile.id,
      'meeting_item_documents.fileId': itemDoc!.fileId!,
      'meeting_minutes.fileId': minutesFile.storedFile.id,
      'meeting_tasks.completionFileId': taskFile.storedFile.id,
    };
    expect(
      (await storedFileLinks()).map(keyOf).sort(),
      'each column that refers to stored_files has a file linked only through it in this test',
    ).to.deep.equal(Object.keys(linkedThrough).sort());

    const oldOrphan = await storeUpload(await pdf('Mo coi'), 'mo-coi.pdf');
    const freshOrphan = await storeUpload(await pdf('Dang tai'), 'dang-tai.pdf');
    const now = Date.now();
    await ageStoredFiles(
      [...Object.values(linkedThrough), oldOrphan.storedFile.id],
      new Date(now - (ORPHAN_HOURS + 1) * HOUR),
    );
    await ageStoredFiles(freshOrphan.storedFile.id, new Date(now - (ORPHAN_HOURS - 1) * HOUR));

    await sweepOrphanFiles(new Date(now));

    for (const [column, id] of Object.entries(linkedThrough)) {
      const row = await StoredFile.findByPk(id);
      expect(row, `the file linked through ${column}`).to.not.equal(null);
      expect(existsSync(storedFilePath(row!.sha256)), `the bytes of ${column}'s file`).to.equal(
        true,
      );
      const [table, field] = column.split('.');
      const [still] = await db().query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${field} = ?`,
        { replacements: [id], type: QueryTypes.SELECT },
      );
      expect(Number(still!.n), `${column} still names its file`).to.equal(1);
    }
    expect(await StoredFile.findByPk(oldOrphan.storedFile.id), 'the old orphan').to.equal(null);
    expect(existsSync(storedFilePath(oldOrphan.storedFile.sha256)), 'its bytes').to.equal(false);
    expect(await StoredFile.findByPk(freshOrphan.storedFile.id), 'the fresh orphan').to.not.equal(
      null,
    );
    expect(existsSync(storedFilePath(freshOrphan.storedFile.sha256)), 'its bytes').to.equal(true);
  });

  it('does not sweep an old orphan whose bytes were just stored again (an upload reusing its row)', async () => {
    const bytes = await makePdf(1, `Gui lai ${Date.now()}`);
    const first = await storeUpload(bytes, 'gui-lai.pdf');
    const now = Date.now();
    await ageStoredFiles(first.storedFile.id, new Date(now - (ORPHAN_HOURS + 1) * HOUR));
    // The same bytes again, on their way to being linked: the row is reused, its grace renewed.
    const again = await storeUpload(bytes, 'gui-lai.pdf');
    expect(again.storedFile.id).to.equal(first.storedFile.id);
    await sweepOrphanFiles(new Date(now));
    expect(await StoredFile.findByPk(first.storedFile.id), 'the reused row').to.not.equal(null);
    expect(existsSync(storedFilePath(first.storedFile.sha256)), 'its bytes').to.equal(true);
  });

  it('finds every column that names a file a declared foreign key (what the sweep reads), or knows what else it holds', async () => {
    const sqlite = dialectOf(db()) === 'sqlite';
    const columns = await db().query<{ table: string; column: string }>(
      sqlite
        ? `SELECT m.name AS "table", c.name AS "column"
             FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table'`
        : `SELECT TABLE_NAME AS \`table\`, COLUMN_NAME AS \`column\`
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
      { type: QueryTypes.SELECT },
    );
    const candidates = new Set<string>();
    const namesAFile = (name: string) => /file_?id$|sha256|storage_?(key|path)/i.test(name);
    for (const c of columns)
      if (c.table !== 'stored_files' && namesAFile(c.column)) candidates.add(keyOf(c));
    // A model's column too, named so or declared to refer to stored_files.
    for (const model of Object.values(db().models)) {
      const table = String(model.getTableName());
      if (table === 'stored_files') continue;
      for (const [name, attribute] of Object.entries(model.getAttributes())) {
        const column = attribute.field ?? name;
        const references = attribute.references;
        const refersTo = typeof references === 'object' ? String(references.model) : references;
        if (namesAFile(column) || refersTo === 'stored_files') candidates.add(`${table}.${column}`);
      }
    }
    expect([...candidates]).to.include.members([
      'meeting_item_documents.fileId',
      'meeting_tasks.completionFileId',
    ]);
    const declared = new Set((await foreignKeys(db())).map(keyOf));
    const unaccounted = [...candidates].filter(
      (c) => !declared.has(c) && !(c in HOLDS_SOMETHING_ELSE),
    );
    expect(
      unaccounted,
      'a column holding a stored file without a foreign key, which the sweep cannot see: declare ' +
        'the key in its migration, or list here what else it holds',
    ).to.deep.equal([]);
    const swept = new Set((await storedFileLinks()).map(keyOf));
    const toStoredFiles = (await foreignKeys(db())).filter(
      (fk) => fk.referencedTable === 'stored_files',
    );
    for (const fk of toStoredFiles) expect(swept.has(keyOf(fk)), keyOf(fk)).to.equal(true);
  });

  describe('a store of the same bytes while the sweep removes their orphan', () => {
    afterEach(() => {
      delete sweepSteps.after;
    });

    /** An old orphan, then a sweep that stores the same bytes again at `step`. */
    async function storeAgainDuringSweep(step: 'moved' | 'deleted', label: string) {
      const bytes = await makePdf(1, `${label} ${Date.now()} ${Math.random()}`);
      const first = await storeUpload(bytes, 'mot.pdf');
      const now = Date.now();
      await ageStoredFiles(first.storedFile.id, new Date(now - (ORPHAN_HOURS + 1) * HOUR));
      let again: Awaited<ReturnType<typeof storeUpload>> | null = null;
      sweepSteps.after = async (at) => {
        if (at === step && !again) again = await storeUpload(bytes, 'lai.pdf');
      };
      await sweepOrphanFiles(new Date(now));
      expect(again, 'stored again during the sweep').to.not.equal(null);
      const row = await StoredFile.findOne({ where: { sha256: first.storedFile.sha256 } });
      return { row, again: again!, path: storedFilePath(first.storedFile.sha256) };
    }

    it('stored again after the orphan row was deleted: the new row has its bytes', async () => {
      const { row, again, path } = await storeAgainDuringSweep('deleted', 'sau khi xoa');
      expect(row?.id).to.equal(again.storedFile.id);
      expect(existsSync(path), 'bytes of the new row').to.equal(true);
    });

    it('stored again after the bytes were moved aside: the row stays, with its bytes', async () => {
      const { row, again, path } = await storeAgainDuringSweep('moved', 'khi dang quet');
      expect(row?.id).to.equal(again.storedFile.id);
      expect(existsSync(path), 'bytes back in place').to.equal(true);
    });
  });

  it('puts back bytes a crashed sweep left aside when their row remains, and removes the rest', async () => {
    const kept = await storeUpload(await makePdf(1, `giu lai ${Date.now()}`), 'giu.pdf');
    const gone = await storeUpload(await makePdf(1, `da xoa ${Date.now()}`), 'xoa.pdf');
    const tmp = path.join(storageDir(), 'tmp');
    mkdirSync(tmp, { recursive: true });
    const aside = (sha: string) => path.join(tmp, `${sha}.${randomUUID()}.swept`);
    const keptAside = aside(kept.storedFile.sha256);
    const goneAside = aside(gone.storedFile.sha256);
    renameSync(storedFilePath(kept.storedFile.sha256), keptAside);
    renameSync(storedFilePath(gone.storedFile.sha256), goneAside);
    await StoredFile.destroy({ where: { id: gone.storedFile.id } });
    const old = new Date(Date.now() - 2 * HOUR);
    utimesSync(keptAside, old, old);
    utimesSync(goneAside, old, old);
    await sweepOrphanFiles(new Date());
    expect(existsSync(storedFilePath(kept.storedFile.sha256)), 'put back').to.equal(true);
    expect(existsSync(keptAside)).to.equal(false);
    expect(existsSync(goneAside), 'no row: removed').to.equal(false);
    expect(existsSync(storedFilePath(gone.storedFile.sha256))).to.equal(false);
  });
});
