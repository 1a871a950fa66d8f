import { constants, inflateSync } from 'node:zlib';
import { SigningError } from '../errors.js';
import { InflateBudget, LIMITS, boundedInt, malformed, tooComplex } from './limits.js';
import { PdfDict, PdfName, type PdfStream, type PdfValue } from './objects.js';

/** Undoes PNG row predictors (Predictor >= 10) in place into a new buffer. */
export function unpredictPng(data: Buffer, columns: number, colors = 1, bpc = 8): Buffer {
  if (boundedInt(columns, LIMITS.maxPredictorColumns) === undefined || columns < 1)
    throw malformed(
      `predictor /Columns ${columns} is not an integer 1..${LIMITS.maxPredictorColumns}`,
    );
  if (boundedInt(colors, LIMITS.maxPredictorColors) === undefined || colors < 1)
    throw malformed(
      `predictor /Colors ${colors} is not an integer 1..${LIMITS.maxPredictorColors}`,
    );
  if (![1, 2, 4, 8, 16].includes(bpc))
    throw malformed(`predictor /BitsPerComponent ${bpc} is not 1, 2, 4, 8 or 16`);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((columns * colors * bpc) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLen + 1)]!;
    const src = r * (rowLen + 1) + 1;
    const dst = r * rowLen;
    const prev = dst - rowLen;
    for (let i = 0; i < rowLen; i++) {
      const x = data[src + i]!;
      const a = i >= bpp ? out[dst + i - bpp]! : 0;
      const b = r > 0 ? out[prev + i]! : 0;
      const c = r > 0 && i >= bpp ? out[prev + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new SigningError('PDF_MALFORMED', `bad PNG predictor row type ${type}`);
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function asArray(v: PdfValue | undefined): PdfValue[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Inflates with a hard output cap: the stream's share and what is left of the file's budget. */
function inflateCapped(data: Buffer, budget: InflateBudget): Buffer {
  const cap = budget.limitFor(data.length);
  let out: Buffer;
  try {
    out = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: cap || 1 });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooComplex(
        `compressed stream of ${data.length} bytes inflates beyond ${cap} bytes (decompression limit)`,
      );
    throw new SigningError('PDF_MALFORMED', 'corrupt compressed stream');
  }
  budget.spend(out.length);
  return out;
}

/**
 * Decodes a stream's data; supports FlateDecode (with PNG predictors) and no filter. Output is
 * capped per stream and by `budget`, the file's allowance (a reader passes its own).
 */
export function decodeStream(stream: PdfStream, budget?: InflateBudget): Buffer {
  const filters = asArray(stream.dict.get('Filter'));
  const parms = asArray(stream.dict.get('DecodeParms'));
  if (filters.length > LIMITS.maxFilters)
    throw tooComplex(`stream has ${filters.length} filters (at most ${LIMITS.maxFilters})`);
  const allowance = budget ?? new InflateBudget(stream.data.length);
  let data = stream.data;
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName) || (f.name !== 'FlateDecode' && f.name !== 'Fl')) {
      throw new SigningError(
        'PDF_UNSUPPORTED',
        `unsupported stream filter ${f instanceof PdfName ? f.name : typeof f}`,
      );
    }
    data = inflateCapped(data, allowance);
    const p = parms[i];
    if (p instanceof PdfDict) {
      const predictor = p.get('Predictor');
      if (typeof predictor === 'number' && predictor >= 10) {
        const num = (k: string, d: number) => {
          const v = p.get(k);
          return typeof v === 'number' ? v : d;
        };
        data = unpredictPng(data, num('Columns', 1), num('Colors', 1), num('BitsPerComponent', 8));
      } else if (predictor === 2) {
        throw new SigningError('PDF_UNSUPPORTED', 'TIFF predictor is not supported');
      }
    }
  });
  return data;
}
