import { z } from 'zod';
import { SIGNING_PROVIDERS } from './signer-credential.model.js';

/** 6 to 12 digits; the message explains the rule in the reader's language. */
const Pin = z.string().regex(/^[0-9]{6,12}$/, 'errors:SIGNING_PIN_RULE');
const PinTyped = z
  .string()
  .min(1, 'errors:SIGNING_PIN_REQUIRED')
  .max(64, 'errors:SIGNING_PIN_RULE');

export const EnrolSchema = z
  .object({ pin: Pin, pinConfirm: z.string().max(64) })
  .refine((v) => v.pin === v.pinConfirm, {
    path: ['pinConfirm'],
    message: 'errors:SIGNING_PIN_MISMATCH',
  });
export type EnrolInput = z.infer<typeof EnrolSchema>;

export const ChangePinSchema = z
  .object({ oldPin: PinTyped, newPin: Pin, newPinConfirm: z.string().max(64) })
  .refine((v) => v.newPin === v.newPinConfirm, {
    path: ['newPinConfirm'],
    message: 'errors:SIGNING_PIN_MISMATCH',
  });
export type ChangePinInput = z.infer<typeof ChangePinSchema>;

export const ProviderChoiceSchema = z.object({
  provider: z.enum(SIGNING_PROVIDERS, 'errors:SIGNING_PROVIDER_UNAVAILABLE'),
  cscCredentialId: z.string().trim().max(255).optional(),
});
export type ProviderChoiceInput = z.infer<typeof ProviderChoiceSchema>;
