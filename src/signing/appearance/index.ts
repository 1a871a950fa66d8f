import { PdfDict, PdfStream, dict, name } from '../pdf/objects.js';
import type { PdfReader } from '../pdf/reader.js';
import type { IncrementalWriter } from '../pdf/writer.js';
import type { Appearance } from '../types.js';

export interface AppearanceContext {
  reader: PdfReader;
  writer: IncrementalWriter;
  signingTime: Date;
}

export interface AppearancePlan {
  /** 1-based page of the signature widget. */
  page: number;
  /** Widget /Rect [x1 y1 x2 y2]. */
  rect: number[];
  /** The widget's normal appearance (form XObject). */
  stream: PdfStream;
  /** Other annotations written in the same revision (e.g. seal number and date). */
  extraAnnotations: Array<{ page: number; dict: PdfDict }>;
}

function emptyForm(): PdfStream {
  return new PdfStream(
    dict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, 0, 0], Resources: new PdfDict() }),
    Buffer.alloc(0),
  );
}

/** Plans the widget appearance; no appearance = invisible signature on page 1. */
export async function buildAppearance(
  appearance: Appearance | undefined,
  _ctx: AppearanceContext,
): Promise<AppearancePlan> {
  if (!appearance) return { page: 1, rect: [0, 0, 0, 0], stream: emptyForm(), extraAnnotations: [] };
  return { page: 1, rect: [0, 0, 0, 0], stream: emptyForm(), extraAnnotations: [] };
}
