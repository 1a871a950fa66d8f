/**
 * How a sender is recognised whatever way it was typed: agency codes (mã định danh, e.g.
 * 000.00.00.H41) upper-cased without spaces; names lower-cased without accents, punctuation or
 * repeated spaces ("Sở Tài chính  tỉnh Thử." = "so tai chinh tinh thu").
 */
export function normaliseOrganCode(code: string | null | undefined): string | null {
  const value = (code ?? '').replace(/\s+/g, '').toUpperCase();
  return value === '' ? null : value;
}

export function normaliseOrganName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
