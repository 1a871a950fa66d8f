import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { z } from 'zod';
import { integer, isIsoCalendarDay } from '../http/form-fields.js';
import { recordAudit } from '../audit/audit.service.js';
import { todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { withTransaction, type TxOptions } from '../db/transaction.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { authorize } from '../policy/index.js';
import { Delegation, DELEGATION_FORMS } from './delegation.model.js';
import { User } from './user.model.js';

/** The actions a leader may hand over; the approval and signing flows name theirs here. */
export const DELEGABLE_ACTIONS = [
  'incoming.direct',
  'outgoing.approve',
  'outgoing.sign',
  'meeting.chair',
] as const;

// A real day within the years a date field may name (z.iso.date() took 0000-01-01).
const day = z.string().refine(isIsoCalendarDay, 'forms:invalid.date');

export const DelegationSchema = z
  .object({
    principalId: integer(z.number().int().positive()),
    delegateId: integer(z.number().int().positive()),
    form: z.enum(DELEGATION_FORMS, 'errors:DELEGATION_FORM_INVALID'),
    actions: z.array(z.enum(DELEGABLE_ACTIONS)).min(1).max(DELEGABLE_ACTIONS.length),
    startsOn: day,
    endsOn: day,
    parentId: integer(z.number().int().positive().optional()),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((d) => d.startsOn <= d.endsOn, { path: ['endsOn'], message: 'errors:DELEGATION_DATES' })
  .refine((d) => d.principalId !== d.delegateId, {
    path: ['delegateId'],
    message: 'errors:DELEGATION_SELF',
  });
export type DelegationInput = z.infer<typeof DelegationSchema>;

const refuse = (code: string, field?: string) =>
  new AppError(code, 422, undefined, field ? { [field]: `errors:${code}` } : undefined);

/**
 * A re-delegation passes on what the delegate holds and no more: the same principal, actions and
 * days within the parent's, and never an authorisation (TUQ.), which the decree forbids passing on.
 */
async function checkParent(input: DelegationInput, actor: Actor): Promise<void> {
  if (!input.parentId) return;
  const parent = await Delegation.findByPk(input.parentId);
  if (!parent || parent.revokedAt || parent.delegateId !== actor.user.id)
    throw refuse('DELEGATION_PARENT_INVALID', 'parentId');
  if (parent.form === 'TUQ') throw refuse('DELEGATION_TUQ_FINAL', 'parentId');
  const held = new Set(parent.actionList());
  const within =
    parent.principalId === input.principalId &&
    input.actions.every((a) => held.has(a)) &&
    parent.startsOn <= input.startsOn &&
    input.endsOn <= parent.endsOn;
  if (!within) throw refuse('DELEGATION_BEYOND_PARENT', 'actions');
}

/**
 * The people the form offers as delegate, and the only ones the service accepts: active in the
 * agency, not the person filling in the form, and not an account that only administers the system
 * (it takes no part in documents, and a delegation would give it a leader's actions).
 */
export function delegateChoicesWhere(user: User): WhereOptions<User> {
  return {
    [Op.and]: [
      { agencyId: user.agencyId, isActive: true, id: { [Op.ne]: user.id } },
      User.whereTakesPart(),
    ],
  };
}

/**
 * Records a delegation. The principal makes their own (or, passing one on, the delegate holding
 * it); the administrator makes any within the agency. Both people must be active in the agency.
 */
export async function createDelegation(
  input: DelegationInput,
  actor: Actor,
  options?: TxOptions,
): Promise<Delegation> {
  const { user } = actor;
  authorize(user, 'delegation.create', input);
  const people = await User.findAll({
    where: { id: [input.principalId, input.delegateId], agencyId: user.agencyId, isActive: true },
  });
  if (people.length !== 2) throw refuse('DELEGATION_PEOPLE_INVALID', 'delegateId');
  const offered = await User.count({
    where: { [Op.and]: [delegateChoicesWhere(user), { id: input.delegateId }] },
  });
  if (!offered) throw refuse('DELEGATION_DELEGATE_INVALID', 'delegateId');
  await checkParent(input, actor);
  // Signing is handed only to someone who could be a document's signer (a leader or the head of
  // a unit, as the drafting form offers): a clerk or a specialist never signs for the agency.
  const delegate = people.find((p) => p.id === input.delegateId)!;
  if (
    input.actions.includes('outgoing.sign') &&
    !delegate.hasRole('leader') &&
    !delegate.hasRole('dept_head')
  )
    throw refuse('DELEGATION_SIGNER_INVALID', 'delegateId');
  return withTransaction(db(), options, async (transaction) => {
    const delegation = await Delegation.create(
      {
        agencyId: user.agencyId,
        principalId: input.principalId,
        delegateId: input.delegateId,
        form: input.form,
        actions: JSON.stringify([...new Set(input.actions)].sort()),
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        parentId: input.parentId ?? null,
        note: input.note ?? null,
        createdById: user.id,
      },
      { transaction },
    );
    await recordAudit(
      {
        action: 'delegation.create',
        userId: user.id,
        ip: actor.ip,
        entityType: 'delegation',
        entityId: delegation.id,
        details: { ...input },
      },
      { transaction },
    );
    return delegation;
  });
}

/** Ends a delegation at once, with every delegation passed on from it. */
export async function revokeDelegation(id: number, actor: Actor): Promise<void> {
  const delegation = await Delegation.findOne({ where: { id, agencyId: actor.user.agencyId } });
  if (!delegation) throw new AppError('NOT_FOUND', 404);
  authorize(actor.user, 'delegation.revoke', delegation);
  await withTransaction(db(), undefined, async (transaction) => {
    const now = new Date();
    let ids = [delegation.id];
    const all = [...ids];
    while (ids.length) {
      const children = await Delegation.findAll({
        where: { parentId: ids, revokedAt: null },
        attributes: ['id'],
        transaction,
      });
      ids = children.map((c) => c.id).filter((c) => !all.includes(c));
      all.push(...ids);
    }
    await Delegation.update(
      { revokedAt: now, revokedById: actor.user.id },
      { where: { id: all, revokedAt: null }, transaction },
    );
    await recordAudit(
      {
        action: 'delegation.revoke',
        userId: actor.user.id,
        ip: actor.ip,
        entityType: 'delegation',
        entityId: delegation.id,
        details: { revoked: all },
      },
      { transaction },
    );
  });
}

/**
 * The delegation under which `delegate` may do `action` for `principal` on a day (Vietnam
 * time, default today), or null. A re-delegation holds only while its parent does. Inside a
 * transaction, pass it: a read on another connection while the transaction holds its own can
 * exhaust the pool when enough transactions do it at once.
 */
export async function delegationFor(
  delegateId: number,
  principalId: number,
  action: string,
  onDay: string = todayInVietnam(),
  transaction?: Transaction,
): Promise<Delegation | null> {
  const candidates = await Delegation.findAll({
    where: {
      delegateId,
      principalId,
      revokedAt: null,
      startsOn: { [Op.lte]: onDay },
      endsOn: { [Op.gte]: onDay },
    },
    order: [['id', 'ASC']],
    transaction,
  });
  for (const d of candidates) {
    if (!d.actionList().includes(action)) continue;
    if (d.parentId) {
      const parent = await Delegation.findByPk(d.parentId, { transaction });
      if (!parent?.isActiveOn(onDay)) continue;
    }
    return d;
  }
  return null;
}

/** The people `delegateId` may act for on a day for an action (for "Cần xử lý" lists). */
export async function principalsOf(
  delegateId: number,
  action: string,
  onDay: string = todayInVietnam(),
): Promise<number[]> {
  const rows = await Delegation.findAll({
    where: {
      delegateId,
      revokedAt: null,
      startsOn: { [Op.lte]: onDay },
      endsOn: { [Op.gte]: onDay },
    },
  });
  const out: number[] = [];
  for (const d of rows) {
    if (
      d.actionList().includes(action) &&
      (await delegationFor(delegateId, d.principalId, action, onDay))
    )
      out.push(d.principalId);
  }
  return [...new Set(out)];
}

export type DelegationState = 'active' | 'upcoming' | 'ended' | 'revoked';

/** A delegation as the delegations page lists it: both people named, its state today. */
export interface DelegationRow {
  id: number;
  principalId: number;
  principalName: string;
  delegateId: number;
  delegateName: string;
  form: string;
  actions: string[];
  startsOn: string;
  endsOn: string;
  parentId: number | null;
  note: string | null;
  createdById: number;
  state: DelegationState;
}

function stateOf(d: Delegation, today: string): DelegationState {
  if (d.revokedAt) return 'revoked';
  if (today < d.startsOn) return 'upcoming';
  return today > d.endsOn ? 'ended' : 'active';
}

/**
 * The delegations a person gave (as principal, or passing on one they hold) and received, newest
 * first; the administrator's page lists every delegation of the agency. Up to 200 of each (the
 * export: its own limit).
 */
export async function delegationsOf(
  user: User,
  limit = 200,
): Promise<{ given: DelegationRow[]; received: DelegationRow[]; all: DelegationRow[] }> {
  const read = (where: Record<string, unknown>) =>
    Delegation.findAll({
      where: { agencyId: user.agencyId, ...where },
      order: [['id', 'DESC']],
      limit,
    });
  const [given, received, all] = await Promise.all([
    read({ [Op.or]: [{ principalId: user.id }, { createdById: user.id }] }),
    read({ delegateId: user.id }),
    user.hasRole('admin') ? read({}) : Promise.resolve([]),
  ]);
  const ids = new Set(
    [...given, ...received, ...all].flatMap((d) => [d.principalId, d.delegateId]),
  );
  const people = await User.findAll({ where: { id: [...ids] }, attributes: ['id', 'fullName'] });
  const nameOf = new Map(people.map((p) => [p.id, p.fullName]));
  const today = todayInVietnam();
  const rowOf = (d: Delegation): DelegationRow => ({
    id: d.id,
    principalId: d.principalId,
    principalName: nameOf.get(d.principalId) ?? '',
    delegateId: d.delegateId,
    delegateName: nameOf.get(d.delegateId) ?? '',
    form: d.form,
    actions: d.actionList(),
    startsOn: d.startsOn,
    endsOn: d.endsOn,
    parentId: d.parentId,
    note: d.note,
    createdById: d.createdById,
    state: stateOf(d, today),
  });
  return { given: given.map(rowOf), received: received.map(rowOf), all: all.map(rowOf) };
}

/**
 * The principal of a delegation the person passes on: the one they hold under `parentId`, else
 * (an unknown parent) themselves, for the service to refuse with its reason.
 */
export async function principalOfHeld(parentId: number, user: User): Promise<number> {
  const parent = await Delegation.findOne({
    where: { id: parentId, agencyId: user.agencyId, delegateId: user.id },
    attributes: ['principalId'],
  });
  return parent?.principalId ?? user.id;
}
