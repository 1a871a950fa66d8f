import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { ROLES } from './user.model.js';

export const UsernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9._-]+$/i, 'errors:USERNAME_CHARSET');

export const PasswordSchema = z.string().min(8, 'errors:PASSWORD_TOO_SHORT').max(200);

export const RolesSchema = z.array(z.enum(ROLES)).min(1, 'errors:ROLES_REQUIRED');

export const CreateUserSchema = z.object({
  username: UsernameSchema,
  fullName: z.string().trim().min(1).max(255),
  positionTitle: z.string().trim().max(255).optional().nullable(),
  email: z.email().max(255).optional().nullable(),
  password: PasswordSchema,
  roles: RolesSchema,
  departmentId: z.number().int().positive().optional().nullable(),
  secretClearance: z.number().int().min(0).max(3).optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

/** An optional form text: empty becomes null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));

const optionalEmail = z
  .string()
  .trim()
  .max(255)
  .transform((v) => (v === '' ? null : v))
  .pipe(z.email('errors:EMAIL_INVALID').nullable())
  .optional()
  .transform((v) => v ?? null);

export const ProfileSchema = z.object({
  email: optionalEmail,
  locale: z.enum(['vi', 'en']),
});
export type ProfileInput = z.infer<typeof ProfileSchema>;

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'errors:FIELD_REQUIRED').max(200),
    newPassword: z
      .string()
      .min(8, 'errors:PASSWORD_TOO_SHORT')
      .max(200, 'errors:PASSWORD_TOO_LONG'),
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'errors:PASSWORD_MISMATCH',
  });

export const TokenNameSchema = z.object({
  name: z.string().trim().min(1, 'errors:FIELD_REQUIRED').max(100),
});

/** A form sends one role as a string and several as an array. */
const formRoles = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  RolesSchema,
);

const formFields = {
  fullName: z.string().trim().min(1, 'errors:FIELD_REQUIRED').max(255),
  positionTitle: optionalText(255),
  email: optionalEmail,
  roles: formRoles,
  departmentId: z
    .union([z.literal(''), integer(z.number().int().positive())])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  secretClearance: integer(
    z
      .number('errors:CLEARANCE_RANGE')
      .int('errors:CLEARANCE_RANGE')
      .min(0, 'errors:CLEARANCE_RANGE')
      .max(3, 'errors:CLEARANCE_RANGE')
      .default(0),
  ),
};

/** The admin's "new user" form. */
export const AdminCreateUserSchema = z
  .object({
    ...formFields,
    username: UsernameSchema,
    password: PasswordSchema,
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'errors:PASSWORD_MISMATCH',
  });

/** The admin's "edit user" form (a checkbox sends isActive only when ticked). */
export const AdminUpdateUserSchema = z.object({
  ...formFields,
  isActive: z
    .union([z.literal('1'), z.literal('on'), z.literal('true')])
    .optional()
    .transform((v) => v !== undefined),
});
export type AdminUpdateUserInput = z.infer<typeof AdminUpdateUserSchema>;

export const ResetPasswordSchema = z
  .object({ password: PasswordSchema, confirmPassword: z.string().max(200) })
  .refine((v) => v.password === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'errors:PASSWORD_MISMATCH',
  });

export const UserFilterSchema = z.object({
  departmentId: integer(z.number().int().positive().optional().catch(undefined)),
  role: z.enum(ROLES).optional().catch(undefined),
  active: z.enum(['1', '0']).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: integer(z.number().int().min(1).max(100000).default(1).catch(1)),
});
export type UserFilter = z.infer<typeof UserFilterSchema>;
