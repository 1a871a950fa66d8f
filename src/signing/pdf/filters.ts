import { constants, inflateSync } from 'node:zlib';
import { SigningError } from '../errors.js';
import { PdfDict, PdfName, type PdfStream, type PdfValue } from './objects.js';

/** Undoes PNG row predictors (Predictor >= 10) in place into a new buffer. */
export function unpredictPng(data: Buffer, columns: number, colors = 1, bpc = 8): Buffer {
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

/** Decodes a stream's data; supports FlateDecode (with PNG/TIFF-less predictors) and no filter. */
export function decodeStream(stream: PdfStream): Buffer {
  const filters = asArray(stream.dict.get('Filter'));
  const parms = asArray(stream.dict.get('DecodeParms'));
  let data = stream.data;
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName) || (f.name !== 'FlateDecode' && f.name !== 'Fl')) {
      throw new SigningError(
        'PDF_UNSUPPORTED',
        `unsupported stream filter ${String((f as PdfName)?.name)}`,
      );
    }
    try {
      data = inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw new SigningError('PDF_MALFORMED', 'corrupt compressed stream');
    }
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
