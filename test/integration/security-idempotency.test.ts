import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { db } from '../../src/db/index.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { storageDir, storedFilePath, storeUpload } from '../../src/files/file-storage.service.js';
import { scheduleFileSweep, sweepOrphanFiles } from '../../src/files/file-sweep.js';
import { incomingFields } from './incoming-helpers.js';

describe('security: Idempotency-Key on API registration, and what a crash leaves', () => {
  let ctx: TestContext;
  let token: string;
  let pdf: Buffer;
  before(async () => {
    ctx = await testApp();
    const agency = await buildAgency();
    const clerk = await buildUser(agency, ['clerk']);
    token = (await createAccessToken(clerk, 'may', { userId: clerk.id, ip: null })).token;
    pdf = await makePdf(1, 'Idempotent');
  });
  const register = (key: string | null, fields = incomingFields({ codeNumber: '77' })) => {
    const req = request(ctx.app).post('/api/v1/incoming').set('Authorization', `Bearer ${token}`);
    if (key) req.set('Idempotency-Key', key);
    return req.field(fields).attach('file', pdf, {
      filename: 'cv.pdf',
      contentType: 'application/pdf',
    });
  };

  it('returns the first registration to a retry with the same key, kept in the database', async () => {
    const fields = incomingFields();
    const before = await IncomingDocument.count();
    const first = await register('dang-ky-001', fields);
    expect(first.status, first.text).to.equal(201);
    const retry = await register('dang-ky-001', fields);
    expect(retry.status).to.equal(201);
    expect(retry.headers['idempotent-replayed']).to.equal('true');
    expect(retry.body.id).to.equal(first.body.id);
    expect(retry.body.arrivalNumber).to.equal(first.body.arrivalNumber);
    expect(retry.headers.location).to.equal(`/api/v1/incoming/${first.body.id}`);
    expect(await IncomingDocument.count()).to.equal(before + 1);
    const rows = await db().query<{ state: string }>(
      "SELECT state FROM idempotency_keys WHERE idemKey = 'dang-ky-001'",
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => r.state)).to.deep.equal(['done']);
    // Another request under the same key is refused; without a key a new document is made.
    const other = await register('dang-ky-001', incomingFields({ subject: 'Khác hẳn' }));
    expect(other.status).to.equal(422);
    expect(other.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    const bad = await register('k'.repeat(201), fields);
    expect(bad.status).to.equal(400);
  });

  it('makes one document of concurrent duplicates', async () => {
    const fields = incomingFields();
    const before = await IncomingDocument.count();
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => register('song-song-1', fields)),
    );
    for (const r of replies) expect(r.status, r.text).to.be.oneOf([201, 409]);
    expect(await IncomingDocument.count()).to.equal(before + 1);
    const created = replies.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).to.equal(1);
    const retry = await register('song-song-1', fields);
    expect(retry.status).to.equal(201);
    expect(retry.body.id).to.equal(created[0].body.id);
  });

  it('sweeps stored files no document linked for a day and stale .part files, and keeps the rest', async () => {
    const orphan = await storeUpload(await makePdf(2, 'Mo coi'), 'mo-coi.pdf');
    const fresh = await storeUpload(await makePdf(3, 'Moi'), 'moi.pdf');
    const linked = await register(null, incomingFields());
    expect(linked.status).to.equal(201);
    const linkedFile = await DocumentFile.findOne({
      where: { documentKind: 'incoming', documentId: linked.body.id },
    });
    const old = new Date(Date.now() - 3 * 86_400_000);
    await db().query(`UPDATE stored_files SET updatedAt = ? WHERE id IN (?, ?)`, {
      replacements: [old, orphan.storedFile.id, linkedFile!.fileId],
    });
    const tmp = path.join(storageDir(), 'tmp');
    await mkdir(tmp, { recursive: true });
    const stale = path.join(tmp, 'crashed.part');
    const writing = path.join(tmp, 'writing.part');
    await writeFile(stale, 'x');
    await writeFile(writing, 'y');
    await utimes(stale, old, old);

    const result = await sweepOrphanFiles();
    expect(result.rows).to.be.at.least(1);
    expect(await StoredFile.findByPk(orphan.storedFile.id)).to.equal(null);
    expect(existsSync(storedFilePath(orphan.storedFile.sha256))).to.equal(false);
    expect(await StoredFile.findByPk(fresh.storedFile.id)).to.not.equal(null);
    expect(await StoredFile.findByPk(linkedFile!.fileId)).to.not.equal(null);
    expect(existsSync(stale)).to.equal(false);
    expect(existsSync(writing)).to.equal(true);
  });

  it('sweeps when the server starts and then at every interval, not only when called', async () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    const orphanAged = async (text: string) => {
      const orphan = await storeUpload(await makePdf(2, text), `${text}.pdf`);
      await db().query(`UPDATE stored_files SET updatedAt = ? WHERE id = ?`, {
        replacements: [old, orphan.storedFile.id],
      });
      return orphan.storedFile.id;
    };
    const gone = async (id: number) => {
      for (let i = 0; i < 100; i += 1) {
        if (!(await StoredFile.findByPk(id))) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return false;
    };
    const logged: string[] = [];
    const logger = {
      info: (_o: unknown, msg: string) => logged.push(msg),
      warn: (_o: unknown, msg: string) => logged.push(`warn: ${msg}`),
    };
    const atStart = await orphanAged('Mo coi luc khoi dong');
    // A long interval: only the sweep at start can take the first orphan.
    const stopLong = scheduleFileSweep(logger as never, 3_600_000);
    expect(await gone(atStart), 'swept at start').to.equal(true);
    stopLong();
    const stop = scheduleFileSweep(logger as never, 300);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const later = await orphanAged('Mo coi sau do');
      expect(await gone(later), 'swept at the next interval').to.equal(true);
    } finally {
      stop();
    }
    expect(logged.filter((m) => m.startsWith('warn'))).to.deep.equal([]);
  });
});
