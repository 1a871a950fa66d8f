/**
 * The drafter's additions to one document's chain (issue 12 §2: "add a consulted unit — lấy ý
 * kiến góp ý — or a reviewer"), checked against the directory and the template, and made into
 * the extra steps that startApproval (a new chain) and adjustChain (a running or returned one)
 * put in. The same checks answer the submit form, the chain page and the API.
 *   hasAdditions(input)                                → whether anything is added
 *   extraStepsOf(input, drafter, { allowsExtra, … })   → ExtraStep[] (422 with field errors)
 */
import { Op } from 'sequelize';
import { Department } from '../agencies/agency.model.js';
import { AppError, type FieldErrors } from '../http/app-error.js';
import { User } from '../users/user.model.js';
import type { ChainAdditions, ExtraStep } from './approvals.schemas.js';
import { membersOf } from './approvals.service.js';
import { reviewStepTitle } from './step-titles.js';

export const hasAdditions = (a: Partial<ChainAdditions>): boolean =>
  (a.consultedUnits?.length ?? 0) + (a.reviewers?.length ?? 0) > 0;

/** Where the additions go when the drafter does not say: before the last step (the signer's side). */
export const defaultAfterStep = (stepCount: number, earliest = 0): number =>
  Math.max(stepCount - 1, earliest);

/**
 * The consulted steps of the drafter's additions: one for each unit (its head answers, as the
 * directory says; never the drafter) and one for each person (active, of the agency, not the
 * drafter), after step `afterStep` of a chain of `stepCount` steps, not before `earliest` (a
 * running chain's active step). Refused with a field error, nothing read into the chain, when the
 * chain does not allow additions or a unit or person is not one the drafter may ask.
 */
export async function extraStepsOf(
  input: Partial<ChainAdditions>,
  drafter: User,
  chain: { allowsExtra: boolean; hasChain: boolean; stepCount: number; earliest?: number },
): Promise<ExtraStep[]> {
  if (!hasAdditions(input)) return [];
  const unitIds = [...new Set(input.consultedUnits ?? [])];
  const personIds = [...new Set(input.reviewers ?? [])];
  const given = unitIds.length ? 'consultedUnits' : 'reviewers';
  if (!chain.hasChain)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      [given]: 'errors:APPROVAL_EXTRA_NO_CHAIN',
    });
  if (!chain.allowsExtra)
    throw new AppError('VALIDATION_FAILED', 422, undefined, {
      [given]: 'errors:APPROVAL_EXTRA_NOT_ALLOWED',
    });
  const fields: FieldErrors = {};
  const earliest = chain.earliest ?? 0;
  const afterPosition = input.afterStep ?? defaultAfterStep(chain.stepCount, earliest);
  if (afterPosition < earliest || afterPosition > chain.stepCount)
    fields.afterStep = 'errors:APPROVAL_AFTER_STEP_INVALID';
  const units = unitIds.length
    ? await Department.findAll({ where: { id: unitIds, agencyId: drafter.agencyId } })
    : [];
  const steps: ExtraStep[] = [];
  if (units.length !== unitIds.length) fields.consultedUnits = 'errors:APPROVAL_UNIT_INVALID';
  else
    for (const id of unitIds) {
      const unit = units.find((u) => u.id === id)!;
      const members = [{ role: 'dept_head' as const, department: unit.id }];
      if ((await membersOf(members, drafter)).length === 0) {
        fields.consultedUnits = 'errors:APPROVAL_UNIT_NO_HEAD';
        break;
      }
      steps.push({
        afterPosition,
        title: reviewStepTitle('consult', unit.name),
        members,
        kind: 'consult',
      });
    }
  const people = personIds.length
    ? await User.findAll({
        where: {
          id: personIds,
          agencyId: drafter.agencyId,
          isActive: true,
          [Op.and]: [User.whereTakesPart()],
        },
        attributes: ['id', 'fullName'],
      })
    : [];
  if (people.length !== personIds.length || personIds.includes(drafter.id))
    fields.reviewers = 'errors:APPROVAL_REVIEWER_INVALID';
  else
    for (const id of personIds) {
      const person = people.find((p) => p.id === id)!;
      steps.push({
        afterPosition,
        title: reviewStepTitle('consult', person.fullName),
        members: [{ userId: person.id }],
        kind: 'consult',
      });
    }
  // A chain has at most 20 steps (StepsSchema).
  if (!fields.consultedUnits && !fields.reviewers && chain.stepCount + steps.length > 20)
    fields[given] = 'errors:APPROVAL_TOO_MANY_STEPS';
  if (Object.keys(fields).length) throw new AppError('VALIDATION_FAILED', 422, undefined, fields);
  return steps;
}
