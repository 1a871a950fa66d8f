import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import { buildOffice, postForm, registerThroughForm, signIn } from './incoming-helpers.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import { RecordsFileItem } from '../../src/records-files/records-file.model.js';
import { describeAuditRows } from '../../src/audit/audit-describe.js';

const cells = (html: string, testId: string) =>
  [...html.matchAll(new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</td>`, 'g'))].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );

describe('the audit page in people’s words (issue 11 §7)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('shows each action and its details in the reader’s language, not codes and JSON', async () => {
    const office = await buildOffice();
    const [clerk, leader] = [
      await signIn(ctx.app, office.clerk),
      await signIn(ctx.app, office.leader),
    ];
    const id = await registerThroughForm(clerk, { subject: 'Về việc quyết toán ngân sách' });
    const { arrivalNumber } = (await IncomingDocument.findByPk(id))!;
    expect(
      (await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) }))
        .status,
    ).to.equal(303);
    expect(
      (await postForm(leader, `/incoming/${id}/direct`, { lead: `d:${office.department.id}` }))
        .status,
    ).to.equal(303);

    const admin = await signIn(ctx.app, await buildUser(office.agency, ['admin']));
    const page = await admin.session.agent.get(`/admin/audit?entityType=incoming&entityId=${id}`);
    expect(page.status).to.equal(200);
    const actions = cells(page.text, 'audit-action');
    expect(actions).to.include.members([
      'Vào sổ văn bản đến',
      'Trình lãnh đạo văn bản đến',
      'Lãnh đạo chỉ đạo xử lý văn bản đến',
    ]);
    const details = cells(page.text, 'audit-details').join('\n');
    expect(details).to.contain(`Vào sổ văn bản đến số ${arrivalNumber}`);
    expect(details).to.contain('Trình lãnh đạo Nguyễn Văn Chủ Tịch');
    expect(details).to.contain('Chuyển xử lý cho Phòng Tài chính - Kế hoạch');
    expect(details).to.contain('Chủ trì: Phòng Tài chính - Kế hoạch');
    expect(page.text).to.not.match(/<code>incoming\./);
    expect(details).to.not.match(/[{}]|&quot;|"targets"/);

    expect(
      (await postForm(admin, '/language', { lng: 'en', back: '/admin/audit' })).status,
    ).to.equal(303);
    const english = await admin.session.agent.get(
      `/admin/audit?entityType=incoming&entityId=${id}`,
    );
    expect(cells(english.text, 'audit-action')).to.include('Incoming document registered');
    const englishDetails = cells(english.text, 'audit-details').join('\n');
    expect(englishDetails).to.contain(`Registered incoming document no. ${arrivalNumber}`);
    expect(englishDetails).to.contain('Handed for handling to Phòng Tài chính - Kế hoạch');
  });

  it('offers the entity types by their names, keeps the one chosen, and links a records file and a document to their pages', async () => {
    const office = await buildOffice();
    const specialist = await signIn(ctx.app, office.specialist);
    const opened = await postForm(specialist, '/records-files', {
      code: 'NK-01',
      title: 'Hồ sơ xem trong nhật ký',
      year: String(new Date().getFullYear()),
      retention: '10',
      departmentId: String(office.department.id),
    });
    expect(opened.status).to.equal(303);
    const fileId = /\/records-files\/(\d+)$/.exec(opened.headers.location ?? '')![1];
    const admin = await signIn(ctx.app, await buildUser(office.agency, ['admin']));
    const page = await admin.session.agent.get('/admin/audit?entityType=records_file');
    expect(page.status).to.equal(200);
    const select = /<select id="f-entityType"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
    expect(select).to.match(/<option value="records_file" selected>Hồ sơ<\/option>/);
    expect(select).to.match(/<option value="incoming" >Văn bản đến<\/option>/);
    // Actions are chosen by their names too.
    const actions = /<select id="f-action"[\s\S]*?<\/select>/.exec(page.text)?.[0] ?? '';
    expect(actions).to.match(/<option value="records_file.close" >Kết thúc hồ sơ<\/option>/);
    const byAction = await admin.session.agent.get('/admin/audit?action=records_file.create');
    expect(cells(byAction.text, 'audit-action')).to.include('Mở hồ sơ');
    expect(new Set(cells(byAction.text, 'audit-action'))).to.have.property('size', 1);
    // Codes sharing one name are one choice, which filters by all of them; each name once.
    expect(actions).to.include(
      '<option value="meeting.task.progress,task.progress" >Báo cáo tiến độ nhiệm vụ từ cuộc họp</option>',
    );
    const names = [...actions.matchAll(/<option value="[^"]+" >([^<]+)</g)].map((m) => m[1]);
    expect(names.length).to.equal(new Set(names).size);
    expect(
      (await admin.session.agent.get('/admin/audit?action=meeting.task.progress,task.progress'))
        .status,
    ).to.equal(200);
    // A pure administrator opens no records file: the row names it, with no link that would
    // only refuse them. An administrator who is also the clerk gets the link.
    expect(page.text).to.include(`#${fileId}`);
    expect(page.text).not.to.include(`href="/records-files/${fileId}"`);
    const clerkAdmin = await signIn(ctx.app, await buildUser(office.agency, ['admin', 'clerk']));
    const linked = await clerkAdmin.session.agent.get('/admin/audit?entityType=records_file');
    expect(linked.text).to.include(`<a href="/records-files/${fileId}">#${fileId}</a>`);
    expect((await clerkAdmin.session.agent.get(`/records-files/${fileId}`)).status).to.equal(200);
    // The row's details in words: the retention, not a bare number or nothing.
    const details = cells(page.text, 'audit-details').join('\n');
    expect(details).to.contain('10 năm');
    // A file is closed with something in it (an item standing for a document).
    await RecordsFileItem.create({
      recordsFileId: Number(fileId),
      documentKind: 'incoming',
      documentId: 1,
      addedById: office.specialist.id,
    });
    expect((await postForm(specialist, `/records-files/${fileId}/close`, {})).status).to.equal(303);
    const closed = await admin.session.agent.get('/admin/audit?entityType=records_file');
    expect(cells(closed.text, 'audit-details').join('\n')).to.contain('Đang lập → Đã kết thúc');
    // An older address with a type no label names still filters by it, and says so.
    const odd = await admin.session.agent.get('/admin/audit?entityType=khac');
    expect(odd.status).to.equal(200);
    expect(odd.text).to.match(/<option value="khac" selected>khac<\/option>/);
  });

  it('reads a code inside a list of records as words: a file’s signature check', async () => {
    const row = {
      action: 'incoming.add_files',
      entityType: 'incoming',
      details: JSON.stringify({ files: [{ sha256: 'ab12', name: 'a.pdf', signatures: 'none' }] }),
    };
    const [vi, en] = await Promise.all(['vi', 'en'].map((lng) => describeAuditRows([row], lng)));
    expect(vi[0]!.details).to.deep.include({
      label: 'Tệp',
      value: 'Mã băm SHA-256: ab12; Tên: a.pdf; Chữ ký số: Không có chữ ký số',
    });
    expect(en[0]!.details[0]!.value).to.match(/: No digital signature$/);
  });

  it("names a report's unit and person, and reads a list of ids as a list, never as a change", async () => {
    const office = await buildOffice();
    const row = {
      action: 'report.onTime.documents.view',
      entityType: 'report',
      details: JSON.stringify({
        unit: office.department.id,
        user: office.specialist.id,
        documentIds: [3, 8],
      }),
    };
    const [vi] = await describeAuditRows([row], 'vi');
    const values = vi!.details.map((d) => d.value);
    expect(values).to.include(office.department.name);
    expect(values).to.include(office.specialist.fullName);
    expect(values).to.include('3, 8');
    expect(values.join(' ')).not.to.contain('→');
  });
});
