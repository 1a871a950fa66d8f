import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildAgency, buildDepartment, buildUser, loginAs } from '../factories/index.js';
import { Department } from '../../src/agencies/agency.model.js';
import { ApprovalTemplate } from '../../src/approvals/approval.model.js';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { RecordsFile } from '../../src/records-files/records-file.model.js';
import { recordsFileCodeKey } from '../../src/records-files/records-files.service.js';

describe('deleting a department that other records use', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('refuses, back on the list, saying what uses it (an approval template, a records file), never a 500', async () => {
    const agency = await buildAgency();
    const admin = await buildUser(agency, ['admin']);
    const { agent, csrf } = await loginAs(ctx.app, admin);
    const byTemplate = await buildDepartment(agency);
    const byFile = await buildDepartment(agency);
    await ApprovalTemplate.create({
      agencyId: agency.id,
      name: `Mẫu ${randomUUID().slice(0, 8)}`,
      documentType: null,
      departmentId: byTemplate.id,
      steps: JSON.stringify([{ title: 'Lãnh đạo', members: [{ role: 'leader' }] }]),
    });
    const code = `HS-${randomUUID().slice(0, 8)}`;
    await RecordsFile.create({
      agencyId: agency.id,
      year: 2026,
      code,
      codeKey: recordsFileCodeKey(code),
      title: 'Hồ sơ thử',
      description: null,
      retentionYears: 10,
      departmentId: byFile.id,
      keeperId: admin.id,
      status: 'open',
      closedOn: null,
      transferDueOn: null,
      transferNoticeOn: null,
      transferredOn: null,
      transferredById: null,
    });

    for (const [department, use] of [
      [byTemplate, 'mẫu quy trình duyệt'],
      [byFile, 'hồ sơ công việc'],
    ] as const) {
      const refused = await agent
        .post(`/admin/departments/${department.id}/delete`)
        .type('form')
        .send({ _csrf: await csrf() });
      expect(refused.status).to.equal(303);
      expect(refused.headers.location).to.equal('/admin/departments');
      const list = await agent.get('/admin/departments');
      expect(list.text).to.contain(`Không thể xóa đơn vị vì đơn vị đang được dùng trong: ${use}.`);
      expect(await Department.count({ where: { id: department.id } })).to.equal(1);
    }
    expect(
      await AuditLog.count({ where: { action: 'department.delete', userId: admin.id } }),
    ).to.equal(0);
  });
});
