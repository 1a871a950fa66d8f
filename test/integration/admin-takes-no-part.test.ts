import { expect } from 'chai';
import type { Agency } from '../../src/agencies/agency.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { grantAccess } from '../../src/documents/trail.service.js';
import { AppError } from '../../src/http/app-error.js';
import { getIncomingDetail } from '../../src/incoming/incoming.detail.js';
import { IncomingDocument } from '../../src/incoming/incoming.model.js';
import {
  directIncoming,
  grantIncomingAccess,
  presentToLeader,
} from '../../src/incoming/incoming.workflow.js';
import { createDraft } from '../../src/outgoing/outgoing.drafts.js';
import { getOutgoingDetail } from '../../src/outgoing/outgoing.detail.js';
import { submitDraft } from '../../src/outgoing/outgoing.approval.js';
import { DraftFieldsSchema } from '../../src/outgoing/outgoing.schemas.js';
import { Register } from '../../src/registers/register.model.js';
import { Delegation } from '../../src/users/delegation.model.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { decree30Draft } from '../fixtures/draft.js';
import { testApp } from '../helpers/test-app.js';

const actorOf = (user: User) => ({ user, ip: '127.0.0.1' });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.catch((e: unknown) => e);
  expect(err, String(err)).to.be.instanceOf(AppError);
  return err as AppError;
}

/**
 * An account that only administers the system takes no part in documents or meetings (the
 * README's four eyes on document roles for administrators): a leader cannot name it in a grant or
 * a direction, and a grant row or a delegation naming it anyway opens nothing, on the page, the
 * file route or the API.
 */
describe('an administrator account takes no part in documents', function () {
  this.timeout(60_000);
  let agency: Agency;
  let admin: User;
  let leader: User;
  let clerk: User;
  let specialist: User;
  let secret: IncomingDocument;

  before(async () => {
    await testApp();
    agency = await buildAgency();
    admin = await buildUser(agency, ['admin'], { secretClearance: 3 } as never);
    leader = await buildUser(agency, ['leader'], { secretClearance: 3 } as never);
    clerk = await buildUser(agency, ['clerk'], { secretClearance: 3 } as never);
    specialist = await buildUser(agency, ['specialist']);
    const year = Number(todayInVietnam().slice(0, 4));
    const register = await Register.create({
      agencyId: agency.id,
      kind: 'incoming',
      year,
      name: `Sổ văn bản đến ${year}`,
      lastNumber: 1,
    } as never);
    secret = await IncomingDocument.create({
      agencyId: agency.id,
      registerId: register.id,
      arrivalNumber: 1,
      arrivalDate: new Date(),
      fromOrganName: 'Bộ Công an',
      documentType: 'CV',
      subject: 'Văn bản tối mật',
      confidentiality: 2,
      status: 'registered',
      createdById: clerk.id,
    } as never);
    await presentToLeader(secret.id, { leaderId: leader.id }, actorOf(clerk));
  });

  it('refuses to grant it a document or name it in a direction, beside the field', async () => {
    const grant = await refusal(grantIncomingAccess(secret.id, admin.id, actorOf(leader)));
    expect(grant.status).to.equal(422);
    expect(Object.keys(grant.fields ?? {})).to.deep.equal(['userId']);
    const direct = await refusal(
      directIncoming(
        secret.id,
        { lead: { userId: specialist.id }, support: [], info: [{ userId: admin.id }] },
        actorOf(leader),
      ),
    );
    expect(direct.status).to.equal(422);
    expect(Object.keys(direct.fields ?? {})).to.deep.equal(['info.0']);
    expect((await secret.reload()).status).to.equal('presented');
    // Through the page (a tampered form): the reason beside the person's field.
    const { app } = await testApp();
    const page = await loginAs(app, leader);
    const token = await page.csrf();
    const forged = await page.agent
      .post(`/incoming/${secret.id}/grants`)
      .type('form')
      .send({ userId: String(admin.id), _csrf: token });
    expect(forged.status).to.equal(422);
    expect(forged.text).to.contain('id="grant-user-error"');
    expect(forged.text).to.match(/id="grant-user"[^>]*aria-invalid="true"/);
  });

  it('opens nothing through a grant row that names it anyway: not the detail (page and API) nor the page', async () => {
    await grantAccess('incoming', secret.id, admin.id, leader.id);
    const read = await refusal(getIncomingDetail(secret.id, actorOf(admin)));
    expect(read.status).to.equal(404);
    const { app } = await testApp();
    const session = await loginAs(app, admin);
    // The API's GET and the file route ask the same rule (canViewIncoming) as the page.
    for (const path of [`/incoming/${secret.id}`]) {
      const res = await session.agent.get(path);
      expect(res.status, path).to.be.oneOf([403, 404]);
      expect(res.text, path).not.to.contain('Văn bản tối mật');
    }
  });

  it('opens no outgoing document through a signing delegation that names it', async () => {
    const input = DraftFieldsSchema.parse({
      documentType: 'CV',
      subject: 'Dự thảo chờ ký',
      signerId: String(leader.id),
      signingForm: '',
      placeName: 'Hà Nội',
      recipients: [{ name: 'Sở Nội vụ' }],
    });
    const draft = await createDraft(
      input,
      { main: { buffer: await decree30Draft('Dự thảo chờ ký'), originalName: 'du-thao.pdf' } },
      actorOf(specialist),
    );
    await submitDraft(draft.id, {}, actorOf(specialist));
    await Delegation.create({
      agencyId: agency.id,
      principalId: leader.id,
      delegateId: admin.id,
      form: 'KT',
      actions: JSON.stringify(['outgoing.sign']),
      startsOn: '2000-01-01',
      endsOn: '2999-12-31',
      parentId: null,
      note: null,
      createdById: leader.id,
    } as never);
    const read = await refusal(getOutgoingDetail(draft.id, actorOf(admin)));
    expect(read.status).to.equal(404);
    // The leader still reads it: the rule is about the account, not the document.
    expect((await getOutgoingDetail(draft.id, actorOf(leader))).access.document.id).to.equal(
      draft.id,
    );
  });
});
