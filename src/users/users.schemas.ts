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
