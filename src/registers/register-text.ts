/** Text helpers shared by the registers' rows (kept apart so the row modules import no cycle). */

/**
 * "Tên loại và trích yếu": the type name, then the subject, unless the subject already opens with
 * the type name ("Quyết định về việc …" is not written "Quyết định: Quyết định về việc …").
 */
export function typeAndSubject(typeName: string, subject: string): string {
  const key = (text: string) => text.normalize('NFC').trim().toLocaleLowerCase('vi');
  if (!typeName || key(subject).startsWith(key(typeName))) return subject;
  return `${typeName}: ${subject}`;
}
