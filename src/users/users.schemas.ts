import { z } from 'zod';
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

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null);

export const ProfileSchema = z.object({
  email: z
    .string()
    .trim()
    .max(255)
    .transform((v) => (v === '' ? null : v))
    .pipe(z.email('errors:EMAIL_INVALID').nullable())
    .optional()
    .transform((v) => v ?? null),
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

export { optionalText };
