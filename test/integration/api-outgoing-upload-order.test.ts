import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import type { User } from '../../src/users/user.model.js';
import { createAccessToken } from '../../src/users/users.service.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { draftPdf } from './outgoing-issue-fixtures.js';

/** Every file under a folder (the store's files, and any half-written ones). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('JSON API /api/v1/outgoing: a refused upload is refused before its body is read', function () {
  this.timeout(120_000);
  let ctx: TestContext;
  let pdf: Buffer;

  before(async () => {
    ctx = await testApp();
    pdf = await draftPdf();
  });

  const token = async (user: User) =>
    (await createAccessToken(user, 'test', { userId: user.id, ip: null })).token;

  const tokens = new Map<number, string>();
  const post = (user: User, url: string) =>
    request(ctx.app)
      .post(url)
      .set('Authorization', `Bearer ${tokens.get(user.id)}`);

  /** Larger than MAX_UPLOAD_MB: read, it would be refused with 413. */
  const oversized = () => Buffer.alloc(ctx.config.maxUploadBytes + 1024 * 1024, 0x20);

  async function counts() {
    return {
      stored: await StoredFile.count(),
      linked: await DocumentFile.count(),
      documents: await OutgoingDocument.count(),
      files: filesUnder(ctx.config.storageDir).length,
    };
  }

  it('answers 403 (no drafting role) or 404/403 (a draft not theirs to version) before a too-large body gives 413, storing nothing', async () => {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const head = await buildUser(agency, ['dept_head'], { departmentId: department.id });
    const otherSpecialist = await buildUser(agency, ['specialist']);
    const adminOnly = await buildUser(agency, ['admin']);
    for (const u of [drafter, head, otherSpecialist, adminOnly]) tokens.set(u.id, await token(u));

    const created = await post(drafter, '/api/v1/outgoing')
      .field('documentType', 'QĐ')
      .field('subject', 'Về việc thử nghiệm thứ tự kiểm tra quyền')
      .attach('main', pdf, 'quyet-dinh.pdf');
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as number;

    const before = await counts();

    // No drafting role: refused before the file is read (not 413).
    const noRole = await post(adminOnly, '/api/v1/outgoing')
      .field('documentType', 'QĐ')
      .field('subject', 'Trích yếu')
      .attach('main', oversized(), 'lon.pdf');
    expect(noRole.status, noRole.text).to.equal(403);
    expect(noRole.body.error.message).to.be.a('string').and.not.equal('');

    // A draft the caller cannot see: not found, before the file is read.
    const hidden = await post(otherSpecialist, `/api/v1/outgoing/${id}/versions`).attach(
      'main',
      oversized(),
      'lon.pdf',
    );
    expect(hidden.status, hidden.text).to.equal(404);

    // A draft the caller sees (the department's head) but may not version: refused, not 413.
    const notDrafter = await post(head, `/api/v1/outgoing/${id}/versions`).attach(
      'main',
      oversized(),
      'lon.pdf',
    );
    expect(notDrafter.status, notDrafter.text).to.be.oneOf([403, 404]);

    expect(await counts()).to.deep.equal(before);

    // The drafter, allowed, gets the size refusal: the body is read only for permitted callers.
    const tooLarge = await post(drafter, `/api/v1/outgoing/${id}/versions`).attach(
      'main',
      oversized(),
      'lon.pdf',
    );
    expect(tooLarge.status, tooLarge.text).to.equal(413);
    expect(await counts()).to.deep.equal(before);
  });
});
