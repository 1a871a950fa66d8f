/**
 * The titles of the steps the app adds to a chain itself (the minutes' signatures, a reviewer
 * asked along the way). They are stored in Vietnamese, as the chain's record and the signed PDF
 * say them, and shown in the reader's language (approvalStepTitle in the templates).
 */
export const MINUTES_STEP_TITLES = {
  secretary: 'Thư ký ký biên bản',
  chair: 'Chủ tọa ký biên bản',
} as const;

const REVIEW_PREFIXES = { consult: 'Lấy ý kiến', approve: 'Xem xét' } as const;

/** The title of a step added for one reviewer: "Lấy ý kiến: Nguyễn Văn A". */
export function reviewStepTitle(kind: keyof typeof REVIEW_PREFIXES, name: string): string {
  return `${REVIEW_PREFIXES[kind]}: ${name}`;
}

type Translate = (key: string, options?: Record<string, unknown>) => string;

/** A step's title in the reader's language: the app's own titles translated, others as written. */
export function stepTitleIn(title: string, t: Translate): string {
  for (const [key, text] of Object.entries(MINUTES_STEP_TITLES))
    if (title === text) return t(`approvals:generatedStep.minutes.${key}`);
  for (const [key, prefix] of Object.entries(REVIEW_PREFIXES))
    if (title.startsWith(`${prefix}: `))
      return t(`approvals:generatedStep.review.${key}`, { name: title.slice(prefix.length + 2) });
  return title;
}
