import { expect } from 'chai';
import { closeDatabase, openDatabase } from '../../src/db/index.js';
import { can } from '../../src/policy/index.js';
import type { IncomingAccess } from '../../src/incoming/incoming.access.js';
import {
  IncomingAssignment,
  IncomingDocument,
  type IncomingStatus,
} from '../../src/incoming/incoming.model.js';
import { User, type Role } from '../../src/users/user.model.js';

let nextId = 1;
const user = (roles: Role[], extra: Partial<User['_creationAttributes']> = {}) =>
  User.build({
    id: nextId++,
    agencyId: 1,
    departmentId: null,
    username: `u${nextId}`,
    fullName: 'X',
    positionTitle: null,
    email: null,
    passwordHash: 'x',
    ...extra,
  }).withLoadedRoles(roles);

function access(
  status: IncomingStatus,
  opts: {
    confidentiality?: number;
    createdById?: number;
    presentedToId?: number | null;
    agencyId?: number;
    assignments?: Partial<IncomingAssignment['_creationAttributes']>[];
    grants?: number[];
  } = {},
): IncomingAccess {
  const document = IncomingDocument.build({
    id: 10,
    agencyId: opts.agencyId ?? 1,
    registerId: 1,
    arrivalNumber: 1,
    arrivalDate: new Date(),
    fromOrganName: 'A',
    fromOrganId: null,
    codeNumber: null,
    codeNotation: null,
    promulgationDate: null,
    documentType: 'CV',
    subject: 'S',
    signerName: null,
    urgency: 0,
    confidentiality: opts.confidentiality ?? 0,
    pageAmount: 1,
    dueDate: null,
    status,
    presentedToId: opts.presentedToId ?? null,
    createdById: opts.createdById ?? 999,
  });
  const assignments = (opts.assignments ?? []).map((a, i) =>
    IncomingAssignment.build({
      id: 100 + i,
      documentId: 10,
      parentId: null,
      role: 'lead',
      assigneeUserId: null,
      assigneeDepartmentId: null,
      assignedById: 998,
      deadline: null,
      status: 'pending',
      note: null,
      ...a,
    }),
  );
  return { document, assignments, grantUserIds: opts.grants ?? [] };
}

describe('incoming policy', () => {
  before(() => {
    openDatabase('sqlite::memory:');
  });
  after(async () => {
    await closeDatabase();
  });

  it('lets clerks and leaders see ordinary documents of their agency, never another agency', () => {
    const clerk = user(['clerk']);
    const leader = user(['leader']);
    expect(can(clerk, 'incoming.view', access('registered'))).to.equal(true);
    expect(can(leader, 'incoming.view', access('registered'))).to.equal(true);
    expect(can(clerk, 'incoming.view', access('registered', { agencyId: 2 }))).to.equal(false);
    expect(can(user(['admin']), 'incoming.view', access('registered'))).to.equal(false);
  });

  it('shows a specialist or department head only documents in which they (or the department) are in the chain', () => {
    const specialist = user(['specialist'], { departmentId: 5 });
    const head = user(['dept_head'], { departmentId: 5 });
    const colleague = user(['specialist'], { departmentId: 5 });
    const toDept = access('directed', { assignments: [{ assigneeDepartmentId: 5 }] });
    expect(can(head, 'incoming.view', toDept)).to.equal(true);
    expect(can(specialist, 'incoming.view', toDept)).to.equal(false);
    const toSpecialist = access('in_progress', {
      assignments: [{ assigneeDepartmentId: 5 }, { assigneeUserId: specialist.id, parentId: 100 }],
    });
    expect(can(specialist, 'incoming.view', toSpecialist)).to.equal(true);
    expect(can(colleague, 'incoming.view', toSpecialist)).to.equal(false);
  });

  it('keeps secret documents to the cleared, the granted and the chain', () => {
    const secret = (extra = {}) => access('registered', { confidentiality: 2, ...extra });
    expect(can(user(['clerk']), 'incoming.view', secret())).to.equal(false);
    expect(can(user(['clerk'], { secretClearance: 1 }), 'incoming.view', secret())).to.equal(false);
    expect(can(user(['clerk'], { secretClearance: 2 }), 'incoming.view', secret())).to.equal(true);
    expect(can(user(['specialist'], { secretClearance: 3 }), 'incoming.view', secret())).to.equal(
      false,
    );
    const granted = user(['specialist']);
    expect(can(granted, 'incoming.view', secret({ grants: [granted.id] }))).to.equal(true);
    const registeredBy = user(['clerk']);
    expect(can(registeredBy, 'incoming.view', secret({ createdById: registeredBy.id }))).to.equal(
      true,
    );
  });

  it('allows each step only to its role and at its status', () => {
    const clerk = user(['clerk']);
    const leader = user(['leader']);
    const head = user(['dept_head'], { departmentId: 5 });
    expect(can(clerk, 'incoming.present', access('registered'))).to.equal(true);
    expect(can(clerk, 'incoming.present', access('directed'))).to.equal(false);
    expect(can(leader, 'incoming.present', access('registered'))).to.equal(false);
    expect(
      can(leader, 'incoming.direct', access('presented', { presentedToId: leader.id })),
    ).to.equal(true);
    expect(can(user(['leader']), 'incoming.direct', access('presented'))).to.equal(false);
    expect(can(leader, 'incoming.direct', access('registered'))).to.equal(false);
    expect(can(clerk, 'incoming.file', access('completed'))).to.equal(true);
    expect(can(clerk, 'incoming.file', access('in_progress'))).to.equal(false);
    const directed = access('directed', {
      assignments: [{ assigneeDepartmentId: 5 }, { role: 'info', assigneeDepartmentId: 5 }],
    });
    const lead = { ...directed, assignment: directed.assignments[0] };
    const info = { ...directed, assignment: directed.assignments[1] };
    expect(can(head, 'incoming.assign', lead)).to.equal(true);
    expect(can(head, 'incoming.assign', info)).to.equal(false);
    expect(can(head, 'incoming.acknowledge', info)).to.equal(true);
    expect(can(user(['dept_head'], { departmentId: 6 }), 'incoming.assign', lead)).to.equal(false);
    expect(can(head, 'incoming.return', directed)).to.equal(true);
    expect(can(user(['specialist']), 'incoming.return', directed)).to.equal(false);
    expect(can(user(['specialist']), 'incoming.create')).to.equal(false);
    expect(can(clerk, 'incoming.create')).to.equal(true);
  });
});
