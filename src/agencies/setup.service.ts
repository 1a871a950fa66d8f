import { z } from 'zod';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { createUser } from '../users/users.service.js';
import { UsernameSchema } from '../users/users.schemas.js';
import type { User } from '../users/user.model.js';
import { Agency } from './agency.model.js';
import { seedHolidaysForNewAgency } from '../calendar/calendar.service.js';

export const AgencyCodeSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/, 'errors:AGENCY_CODE_FORMAT');

/**
 * What is wrong with a first administrator's password, said plainly (one rule at a time, the
 * rule of every password: 8 characters or more, letters and digits); null when it is fine.
 */
export function setupPasswordProblem(password: string): string | null {
  if (password.length < 8) return 'forms:password.tooShort';
  if (!/[0-9]/.test(password)) return 'forms:password.needsDigit';
  if (!/[A-Za-z]/.test(password)) return 'forms:password.needsLetter';
  return null;
}

export const SetupSchema = z.object({
  agencyName: z.string().trim().min(1).max(255),
  agencyCode: AgencyCodeSchema,
  agencyAbbr: z.string().trim().min(1).max(30),
  adminUsername: UsernameSchema,
  adminFullName: z.string().trim().min(1).max(255).default('Quản trị hệ thống'),
  adminPassword: z
    .string('forms:password.tooShort')
    .max(200, 'errors:PASSWORD_TOO_LONG')
    .superRefine((password, ctx) => {
      const problem = setupPasswordProblem(password);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});
export type SetupInput = z.infer<typeof SetupSchema>;

let setupDone = false;

export async function isSetupDone(): Promise<boolean> {
  if (setupDone) return true;
  setupDone = (await Agency.count()) > 0;
  return setupDone;
}

/** Forgets the cached answer (tests that empty the database). */
export function resetSetupCache(): void {
  setupDone = false;
}

/** Creates the agency and its first administrator; refused once an agency exists. */
export async function setupAgency(
  input: SetupInput,
  ip: string | null,
): Promise<{ agency: Agency; admin: User }> {
  return withTransaction(db(), undefined, async (transaction) => {
    if ((await Agency.count({ transaction })) > 0) throw new AppError('ALREADY_SET_UP', 409);
    const agency = await Agency.create(
      {
        parentId: null,
        name: input.agencyName,
        abbreviation: input.agencyAbbr,
        code: input.agencyCode,
      },
      { transaction },
    );
    const { user: admin } = await createUser(
      agency.id,
      {
        username: input.adminUsername,
        fullName: input.adminFullName,
        password: input.adminPassword,
        roles: ['admin'],
      },
      { userId: null, ip },
      // The first administrator: no other could approve the role.
      { transaction, byOperator: true },
    );
    await recordAudit(
      {
        action: 'agency.setup',
        userId: admin.id,
        ip,
        entityType: 'agency',
        entityId: agency.id,
        details: { name: agency.name, code: agency.code },
      },
      { transaction },
    );
    await seedHolidaysForNewAgency({ userId: admin.id, ip }, { transaction });
    transaction.afterCommit(() => {
      setupDone = true;
    });
    return { agency, admin };
  });
}
