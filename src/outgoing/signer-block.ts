/**
 * The signer block of Decree 30 Appendix I by signing form, for a draft that prints none: the
 * lines above the signature (printed in capitals by the stamp) and the signer's own title.
 *   TM.   "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH"
 *   KT.   "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"
 *   Q.    "Q. CHỦ TỊCH"
 *   TL.   "TL. CHỦ TỊCH" / "CHÁNH VĂN PHÒNG"
 *   TUQ.  "TUQ. CHỦ TỊCH" / "CHÁNH VĂN PHÒNG"
 * A delegate signing for the intended signer signs under the delegation's form with their own
 * title ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH" when the draft was TM.).
 */
import { AppError } from '../http/app-error.js';
import type { DelegationForm } from '../users/delegation.model.js';
import type { SigningForm } from './outgoing.model.js';

/** Forms that sign in another's stead and so print that person's title after the prefix. */
export const needsPrincipalTitle = (form: SigningForm | DelegationForm): boolean =>
  form === 'KT' || form === 'Q' || form === 'TL' || form === 'TUQ';

export interface SignerBlockInput {
  /** The draft's signing form. */
  form: SigningForm;
  /** TM.: the collective signed for. */
  authorityName: string;
  /** The draft's title of the head signed for (KT., Q., TL., TUQ.). */
  principalTitle: string | null;
  /** The title of the person who signs. */
  signerTitle: string;
  /** Signed by a delegate: the delegation's form and the title of the person they sign for. */
  delegation?: { form: DelegationForm; principalTitle: string };
}

export interface SignerBlock {
  /** Lines above the title, one per "\n". */
  authorityPrefix?: string;
  title: string;
}

/** The lines a form prints for someone signing in the stead of `principalTitle`. */
function inStead(form: DelegationForm, principalTitle: string, signerTitle: string): string[] {
  // Q. (acting head) signs with the head's title only: "Q. CHỦ TỊCH".
  return form === 'Q' ? [`Q. ${principalTitle}`] : [`${form}. ${principalTitle}`, signerTitle];
}

export function signerBlock(input: SignerBlockInput): SignerBlock {
  const collective = input.form === 'TM' ? [`TM. ${input.authorityName}`] : [];
  let lines: string[];
  if (input.delegation) {
    const { form, principalTitle } = input.delegation;
    lines = [...collective, ...inStead(form, principalTitle, input.signerTitle)];
  } else if (input.form === 'TM' || input.form === '') {
    lines = [...collective, input.signerTitle];
  } else {
    // Drafts saved before the draft form asked for it: refused rather than printed half.
    if (!input.principalTitle) throw new AppError('OUTGOING_PRINCIPAL_TITLE_REQUIRED', 409);
    lines = inStead(input.form, input.principalTitle, input.signerTitle);
  }
  const title = lines.pop()!;
  return lines.length ? { authorityPrefix: lines.join('\n'), title } : { title };
}
