import fontkit from '@pdf-lib/fontkit';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PdfStream, dict, name, textString, type PdfRef } from '../pdf/objects.js';
import type { IncrementalWriter } from '../pdf/writer.js';

type FontkitFont = ReturnType<typeof fontkit.create>;
export type FontStyle = 'regular' | 'bold' | 'italic';

const FILES: Record<FontStyle, string> = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
};
const fonts = new Map<FontStyle, FontkitFont>();

function loadFont(style: FontStyle): FontkitFont {
  let f = fonts.get(style);
  if (!f) {
    const dir = dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json'));
    f = fontkit.create(readFileSync(join(dir, 'ttf', FILES[style])));
    fonts.set(style, f);
  }
  return f;
}

/** One line laid out: each glyph with its advance and its characters, the kerned advances. */
interface Layout {
  glyphs: { id: number; advanceWidth: number; codePoints: number[] }[];
  xAdvances: number[];
}

/**
 * Per process, bounded: lines laid out and subsets encoded. Both depend only on the font and
 * the text (or the glyphs), and a seal's lines repeat from one document to the next (the place,
 * the notation, the digits), so each issuance was laying out and subsetting the same text again.
 */
const MAX_CACHED = 500;
const layouts = new Map<string, Layout>();
const encodedSubsets = new Map<string, { length: number; deflated: Buffer }>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

function layoutOf(style: FontStyle, text: string): Layout {
  const key = `${style}\u0000${text}`;
  const known = layouts.get(key);
  if (known) return known;
  const font = loadFont(style);
  const nfc = text.normalize('NFC');
  const run = font.layout(nfc, { liga: false, clig: false } as never);
  // The characters of each glyph from this text: fontkit keeps one glyph object per id with the
  // code points of whatever made it first, and a glyph first made as another's component (the U
  // of Ủ, when a subset is encoded) has none; its ToUnicode entry would then be empty.
  const charsOf = new Map<number, number[]>();
  for (const ch of nfc) {
    const cp = ch.codePointAt(0)!;
    const id = font.glyphForCodePoint(cp).id;
    if (!charsOf.has(id)) charsOf.set(id, [cp]);
  }
  return remember(layouts, key, {
    glyphs: run.glyphs.map((g) => ({
      id: g.id,
      advanceWidth: g.advanceWidth,
      codePoints: charsOf.get(g.id) ?? [...g.codePoints],
    })),
    xAdvances: run.positions.map((p) => p.xAdvance),
  });
}

export interface TextRun {
  /** TJ operand: hex glyph strings and kerning numbers. */
  tj: string;
  /** Advance width in text space units per 1 pt of font size. */
  widthPerPoint: number;
}

/**
 * A TrueType font embedded as a subset (Type0 / CIDFontType2, Identity-H) with a ToUnicode
 * CMap built from the layout, so that text extracts exactly as it was written.
 */
export class EmbeddedFont {
  readonly font: FontkitFont;
  readonly ref: PdfRef;
  private readonly subset: ReturnType<FontkitFont['createSubset']>;
  private readonly glyphs = new Map<number, { unicode: string; width: number }>();

  constructor(
    readonly style: FontStyle,
    writer: IncrementalWriter,
  ) {
    this.font = loadFont(style);
    this.subset = this.font.createSubset();
    this.ref = writer.allocate();
  }

  private get scale(): number {
    return 1000 / this.font.unitsPerEm;
  }

  get ascent(): number {
    return (this.font.ascent * this.scale) / 1000;
  }

  get descent(): number {
    return (this.font.descent * this.scale) / 1000;
  }

  /** Lays out one line of text and records its glyphs for the subset. */
  layout(text: string): TextRun {
    const run = layoutOf(this.style, text);
    let tj = '';
    let hex = '';
    let width = 0;
    run.glyphs.forEach((g, i) => {
      const cid = this.subset.includeGlyph(g.id);
      const adv = g.advanceWidth * this.scale;
      if (!this.glyphs.has(cid))
        this.glyphs.set(cid, { unicode: String.fromCodePoint(...g.codePoints), width: adv });
      hex += cid.toString(16).padStart(4, '0');
      const xAdv = run.xAdvances[i]! * this.scale;
      width += xAdv;
      const kern = Math.round(adv - xAdv);
      if (kern !== 0) {
        tj += `<${hex}> ${kern} `;
        hex = '';
      }
    });
    if (hex) tj += `<${hex}>`;
    return { tj: `[${tj.trim()}]`, widthPerPoint: width / 1000 };
  }

  /** Writes the font objects (after all text was laid out). */
  async embed(writer: IncrementalWriter): Promise<void> {
    const ttf = await this.encodedSubset();
    const cids = [...this.glyphs.keys()].sort((a, b) => a - b);
    const tag = createHash('sha256')
      .update(this.style + cids.join(','))
      .digest()
      .subarray(0, 6)
      .reduce((s, b) => s + String.fromCharCode(65 + (b % 26)), '');
    const baseFont = name(`${tag}+${this.font.postscriptName}`);
    const fontFile = writer.allocate();
    writer.set(
      fontFile,
      new PdfStream(dict({ Length1: ttf.length, Filter: name('FlateDecode') }), ttf.deflated),
    );
    const s = this.scale;
    const bbox = this.font.bbox;
    const descriptor = writer.allocate();
    writer.set(
      descriptor,
      dict({
        Type: name('FontDescriptor'),
        FontName: baseFont,
        Flags: this.style === 'italic' ? 6 + 64 : 6,
        FontBBox: [bbox.minX * s, bbox.minY * s, bbox.maxX * s, bbox.maxY * s].map(Math.round),
        ItalicAngle: this.font.italicAngle,
        Ascent: Math.round(this.font.ascent * s),
        Descent: Math.round(this.font.descent * s),
        CapHeight: Math.round((this.font.capHeight || this.font.ascent) * s),
        StemV: this.style === 'bold' ? 140 : 80,
        FontFile2: fontFile,
      }),
    );
    const widths: number[][] = cids.map((c) => [c, Math.round(this.glyphs.get(c)!.width)]);
    const cidFont = writer.allocate();
    writer.set(
      cidFont,
      dict({
        Type: name('Font'),
        Subtype: name('CIDFontType2'),
        BaseFont: baseFont,
        CIDSystemInfo: dict({
          Registry: textString('Adobe'),
          Ordering: textString('Identity'),
          Supplement: 0,
        }),
        FontDescriptor: descriptor,
        DW: 1000,
        W: widths.flatMap(([c, w]) => [c!, [w!]]),
        CIDToGIDMap: name('Identity'),
      }),
    );
    const toUnicode = writer.allocate();
    writer.set(toUnicode, new PdfStream(dict({}), Buffer.from(this.toUnicodeCMap(cids), 'latin1')));
    writer.set(
      this.ref,
      dict({
        Type: name('Font'),
        Subtype: name('Type0'),
        BaseFont: baseFont,
        Encoding: name('Identity-H'),
        DescendantFonts: [cidFont],
        ToUnicode: toUnicode,
      }),
    );
  }

  /** The subset's TrueType bytes, deflated: the same glyphs in the same order give the same. */
  private async encodedSubset(): Promise<{ length: number; deflated: Buffer }> {
    const glyphIds = (this.subset as unknown as { glyphs: number[] }).glyphs;
    const key = `${this.style}:${glyphIds.join(',')}`;
    const known = encodedSubsets.get(key);
    if (known) return known;
    const ttf = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      const stream = this.subset.encodeStream();
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      (stream as unknown as { on(e: 'error', cb: (e: Error) => void): void }).on?.('error', reject);
    });
    return remember(encodedSubsets, key, { length: ttf.length, deflated: deflateSync(ttf) });
  }

  private toUnicodeCMap(cids: number[]): string {
    const hex4 = (n: number) => n.toString(16).padStart(4, '0');
    const utf16 = (s: string) => {
      const b = Buffer.from(s, 'utf16le');
      b.swap16();
      return b.toString('hex');
    };
    let body = '';
    for (let i = 0; i < cids.length; i += 100) {
      const chunk = cids.slice(i, i + 100);
      body += `${chunk.length} beginbfchar\n`;
      for (const c of chunk) body += `<${hex4(c)}> <${utf16(this.glyphs.get(c)!.unicode)}>\n`;
      body += 'endbfchar\n';
    }
    return (
      '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
      '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
      '1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n' +
      body +
      'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n'
    );
  }
}

/** Advance width of `text` per point of font size (kerning included). */
export function measureText(style: FontStyle, text: string): number {
  return layoutOf(style, text).xAdvances.reduce((s, x) => s + x, 0) / loadFont(style).unitsPerEm;
}

/** Ascent and descent (negative) per point of font size. */
export function fontMetrics(style: FontStyle): { ascent: number; descent: number } {
  const font = loadFont(style);
  return { ascent: font.ascent / font.unitsPerEm, descent: font.descent / font.unitsPerEm };
}
