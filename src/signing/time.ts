const VN_OFFSET_MS = 7 * 3600 * 1000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function vietnamParts(date: Date) {
  const t = new Date(date.getTime() + VN_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    mo: pad(t.getUTCMonth() + 1),
    d: pad(t.getUTCDate()),
    h: pad(t.getUTCHours()),
    mi: pad(t.getUTCMinutes()),
    s: pad(t.getUTCSeconds()),
  };
}

/** ISO 8601 in Vietnam time with explicit offset, e.g. `2026-11-21T09:30:00+07:00`. */
export function formatVietnamTime(date: Date): string {
  const p = vietnamParts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}+07:00`;
}

/** PDF date string (ISO 32000 7.9.4) in Vietnam time, e.g. `D:20261121093000+07'00'`. */
export function formatPdfDate(date: Date): string {
  const p = vietnamParts(date);
  return `D:${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}+07'00'`;
}

/** Parses a PDF date string; returns undefined when it is not one. */
export function parsePdfDate(text: string): Date | undefined {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', sign, oh = '00', om = '00'] = m;
  let ms = Date.UTC(+y!, +mo - 1, +d, +h, +mi, +s);
  if (sign === '+' || sign === '-') {
    const off = (+oh * 60 + +om) * 60000;
    ms += sign === '+' ? -off : off;
  }
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
