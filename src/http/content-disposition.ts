/**
 * A Content-Disposition header naming a file (RFC 6266): `filename` is the name folded to ASCII
 * for clients that read nothing else ("Quyết định 01-QĐ-UBND.pdf" → "Quyet-dinh-01-QD-UBND.pdf"),
 * `filename*` the name itself, percent-encoded (RFC 8187). Neither can carry a quote, a semicolon
 * or a line break into the header, whatever the stored name holds.
 */
export function contentDisposition(
  disposition: 'inline' | 'attachment',
  name: string,
  fallback = 'document.pdf',
): string {
  const ascii =
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[-.]+|-+(?=\.[A-Za-z0-9]+$)|-+$/g, '')
      .slice(-150) || fallback;
  const encoded = encodeURIComponent(name.normalize('NFC')).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
