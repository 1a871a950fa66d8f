import { expect } from 'chai';
import type { Model } from 'sequelize';
import { Department } from '../../src/agencies/agency.model.js';
import { db } from '../../src/db/index.js';
import { hydrate } from '../../src/db/hydrate.js';
import { rawSelect } from '../../src/db/raw-select.js';
import { withTransaction } from '../../src/db/transaction.js';
import { DocumentComment, DocumentEvent } from '../../src/documents/document.model.js';
import { DocumentFile, StoredFile } from '../../src/files/file.model.js';
import { loadIncomingAccess } from '../../src/incoming/incoming.access.js';
import { getIncomingDetail } from '../../src/incoming/incoming.detail.js';
import { IncomingAssignment, IncomingDocument } from '../../src/incoming/incoming.model.js';
import { User } from '../../src/users/user.model.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';

const plain = (instance: Model | null | undefined) =>
  instance ? (instance.get({ plain: true }) as Record<string, unknown>) : null;
const person = ['id', 'fullName', 'positionTitle', 'departmentId'];
const signatory = ['id', 'fullName', 'positionTitle'];

/**
 * The detail page and every action read a document by hand (rawSelect + hydrate) instead of
 * through Sequelize's finders. What they read must be exactly what the finders read, on both
 * databases: the same values of the same types (dates, day-only dates, booleans, big integers),
 * the same people and departments, the same order.
 */
describe('documents read by hand', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('give the same instances as Sequelize finders, with the same people attached', async () => {
    const office = await buildOffice();
    const [clerk, leader] = await signInAll(ctx, [office.clerk, office.leader]);
    const id = await registerThroughForm(clerk, { promulgationDate: '2026-11-02' });
    await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
    const directed = await postForm(leader, `/incoming/${id}/direct`, {
      note: 'Giao Phòng Tài chính chủ trì.',
      lead: `d:${office.department.id}`,
      support: [`u:${office.supporter.id}`],
    });
    expect(directed.status).to.equal(303);
    await postForm(leader, `/incoming/${id}/comments`, { body: 'Lưu ý hạn trả lời.' });

    const detail = await getIncomingDetail(
      id,
      { user: office.leader, ip: '127.0.0.1' },
      { audit: false },
    );

    const document = await IncomingDocument.findByPk(id);
    expect(plain(detail.access.document)).to.deep.equal(plain(document));
    expect(detail.access.document.promulgationDate).to.equal('2026-11-02');
    expect(detail.access.document.arrivalDate).to.be.instanceOf(Date);
    expect(plain(detail.presentedTo)).to.deep.equal(
      plain(await User.findByPk(office.leader.id, { attributes: person })),
    );
    expect(plain(detail.createdBy)).to.deep.equal(
      plain(await User.findByPk(office.clerk.id, { attributes: person })),
    );

    const assignments = await IncomingAssignment.findAll({
      where: { documentId: id },
      include: [
        { model: User, as: 'assigneeUser', attributes: person },
        { model: User, as: 'assignedBy', attributes: person },
        { model: Department, as: 'assigneeDepartment', attributes: ['id', 'name', 'abbreviation'] },
      ],
      order: [['id', 'ASC']],
    });
    expect(assignments).to.have.length(2);
    expect(
      detail.assignments.map((a) => ({
        ...plain(a),
        assigneeUser: plain(a.assigneeUser),
        assignedBy: plain(a.assignedBy),
        assigneeDepartment: plain(a.assigneeDepartment),
      })),
    ).to.deep.equal(
      assignments.map((a) => ({
        ...plain(a),
        assigneeUser: plain(a.assigneeUser),
        assignedBy: plain(a.assignedBy),
        assigneeDepartment: plain(a.assigneeDepartment),
      })),
    );
    expect(detail.assignments[0].deadline).to.match(/^\d{4}-\d{2}-\d{2}$/);

    const files = await DocumentFile.findAll({
      where: { documentKind: 'incoming', documentId: id },
      include: [{ model: StoredFile, as: 'file' }],
      order: [['id', 'ASC']],
    });
    expect(files).to.have.length(1);
    expect(detail.files.map((f) => ({ ...plain(f), file: plain(f.file) }))).to.deep.equal(
      files.map((f) => ({ ...plain(f), file: plain(f.file) })),
    );
    expect(detail.files[0].file!.size).to.be.a('number').and.greaterThan(0);

    const events = await DocumentEvent.findAll({
      where: { documentKind: 'incoming', documentId: id },
      include: [{ model: User, as: 'actor', attributes: signatory }],
      order: [['id', 'ASC']],
    });
    expect(events.length).to.be.greaterThan(2);
    expect(detail.events.map((e) => ({ ...plain(e), actor: plain(e.actor) }))).to.deep.equal(
      events.map((e) => ({ ...plain(e), actor: plain(e.actor) })),
    );

    const comments = await DocumentComment.findAll({
      where: { documentKind: 'incoming', documentId: id },
      include: [{ model: User, as: 'author', attributes: signatory }],
      order: [['id', 'ASC']],
    });
    expect(comments).to.have.length(1);
    expect(detail.comments.map((c) => ({ ...plain(c), author: plain(c.author) }))).to.deep.equal(
      comments.map((c) => ({ ...plain(c), author: plain(c.author) })),
    );
  });

  it('parse a whole users row as the model does (booleans, dates, nulls)', async () => {
    const office = await buildOffice();
    await office.reader.update({
      isActive: false,
      lockedUntil: new Date('2026-12-01T03:04:05.678Z'),
    });
    for (const user of [office.reader, office.clerk]) {
      const [row] = await rawSelect<Record<string, unknown>>(
        db(),
        'SELECT * FROM users WHERE id = ?',
        [user.id],
      );
      const read = hydrate(User, row);
      expect(plain(read)).to.deep.equal(plain(await User.findByPk(user.id)));
      expect(read.isNewRecord).to.equal(false);
    }
    // A LEFT JOIN that found nobody gives no person.
    expect(hydrate(User, { u__id: null, u__fullName: null }, 'u__', true)).to.equal(null);
  });

  it('are instances that track and save changes as found ones do (roles included)', async () => {
    const office = await buildOffice();
    const [row] = await rawSelect<Record<string, unknown>>(
      db(),
      'SELECT * FROM users WHERE id = ?',
      [office.reader.id],
    );
    const read = hydrate(User, row);
    // Nothing changed yet: a save writes nothing; the private roles slot exists.
    expect(read.changed()).to.equal(false);
    expect(read.hasLoadedRoles()).to.equal(false);
    expect(read.withLoadedRoles(['specialist']).roleList()).to.deep.equal(['specialist']);
    read.fullName = 'Tên đổi qua bản đọc tay';
    expect(read.changed()).to.deep.equal(['fullName']);
    expect(read.previous('fullName')).to.equal(office.reader.fullName);
    await read.save();
    expect((await User.findByPk(office.reader.id))!.fullName).to.equal('Tên đổi qua bản đọc tay');
    expect(read.changed()).to.equal(false);
    // The values are the row's own (not shared with the previous values a save compares with).
    const doc = hydrate(Department, { id: office.department.id, name: 'A' });
    doc.name = 'B';
    expect(doc.previous('name')).to.equal('A');
  });

  it("read inside a transaction through the transaction's own connection", async () => {
    const office = await buildOffice();
    const [clerk] = await signInAll(ctx, [office.clerk]);
    const id = await registerThroughForm(clerk);
    const renamed = 'Đổi trích yếu trong giao dịch chưa ghi';
    await withTransaction(db(), undefined, async (transaction) => {
      await IncomingDocument.update({ subject: renamed }, { where: { id }, transaction });
      const inside = await loadIncomingAccess(office.clerk, id, transaction);
      expect(inside!.document.subject).to.equal(renamed);
    });
    // And a document of another agency reads as none, whatever else was read with it.
    const stranger = (await buildOffice()).clerk;
    expect(await loadIncomingAccess(stranger, id)).to.equal(null);
  });
});
