import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { db } from '../../src/db/index.js';
import { createMigrator } from '../../src/db/migrator.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { buildAgency, buildDepartment, buildUser } from '../factories/index.js';
import { makePdf } from '../fixtures/pdf.js';
import { testApp } from '../helpers/test-app.js';

const MIGRATION = '20261220090000-clear-outgoing-normative-mark';

describe('migration: a normative mark only on a type that can carry it', () => {
  before(async () => {
    await testApp();
  });

  it('clears the mark of drafts whose type cannot be normative; issued documents and NQ/QĐ keep theirs', async () => {
    const agency = await buildAgency();
    const department = await buildDepartment(agency);
    const drafter = await buildUser(agency, ['specialist'], { departmentId: department.id });
    const draft = async (documentType: string, subject: string) =>
      createDraft(
        DraftFieldsSchema.parse({ documentType, subject }),
        { main: { buffer: await makePdf(1, subject), originalName: 'du-thao.pdf' } },
        { user: drafter, ip: null },
      );
    const congVanDraft = await draft('CV', 'Cong van du thao');
    const kehoachSigned = await draft('KH', 'Ke hoach da ky');
    const congVanIssued = await draft('CV', 'Cong van da ban hanh');
    const quyetDinh = await draft('QĐ', 'Quyet dinh du thao');
    const nghiQuyet = await draft('NQ', 'Nghi quyet du thao');

    const migrator = createMigrator(db());
    await migrator.down({ to: MIGRATION });
    // As drafts could be marked before the rule: every one of them normative.
    const ids = [congVanDraft, kehoachSigned, congVanIssued, quyetDinh, nghiQuyet].map((d) => d.id);
    await db().query('UPDATE outgoing_documents SET normative = ? WHERE id IN (?)', {
      replacements: [true, ids],
    });
    await db().query('UPDATE outgoing_documents SET status = ? WHERE id = ?', {
      replacements: ['signed', kehoachSigned.id],
    });
    await db().query('UPDATE outgoing_documents SET status = ? WHERE id = ?', {
      replacements: ['issued', congVanIssued.id],
    });

    await migrator.up();
    const rows = await db().query<{ id: number; normative: unknown }>(
      'SELECT id, normative FROM outgoing_documents WHERE id IN (?) ORDER BY id',
      { replacements: [ids], type: QueryTypes.SELECT },
    );
    const mark = new Map(rows.map((r) => [r.id, Boolean(Number(r.normative))]));
    expect(mark.get(congVanDraft.id), 'a công văn draft').to.equal(false);
    expect(mark.get(kehoachSigned.id), 'a signed kế hoạch, not issued').to.equal(false);
    expect(mark.get(congVanIssued.id), 'issued: numbered in its series').to.equal(true);
    expect(mark.get(quyetDinh.id), 'a quyết định').to.equal(true);
    expect(mark.get(nghiQuyet.id), 'a nghị quyết').to.equal(true);
  });
});
