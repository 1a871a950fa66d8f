/**
 * The attacks on a signature verdict, each built from a real signed file with the test PKI.
 * The unit test asserts our verdict on each; the interop test records what pdfsig and mutool
 * say about the same bytes.
 */
import { signPdf, type Appearance, type SigningErrorCode } from '../../../../src/signing/index.js';
import {
  PdfDict,
  PdfRef,
  PdfStream,
  dict,
  name,
  PdfRaw,
  ref,
  serialize,
  textString,
  type PdfValue,
} from '../../../../src/signing/pdf/objects.js';
import { addPageAnnotations, listFields } from '../../../../src/signing/pdf/document.js';
import { PdfReader } from '../../../../src/signing/pdf/reader.js';
import { findStartXref } from '../../../../src/signing/pdf/xref.js';
import { IncrementalWriter } from '../../../../src/signing/pdf/writer.js';
import type { RuleId } from '../../../../src/signing/rules.js';
import { FIXED_NOW, makePdf } from './fixtures.js';
import { appendRaw, forgeSignature, streamBody } from './forge.js';
import {
  HELVETICA,
  appendHybridUpdate,
  appendUpdate,
  objectStream,
  rawEntryOf,
  rawPdf,
  rawStream,
} from './raw-pdf.js';
import { signatureImage } from './png.js';
import { testPki } from './pki.js';
import {
  drawsUnlisted,
  firstContent,
  hideBodyInNewObject,
  plantedContent,
  skewedContent,
  unlistedNumber,
} from './unlisted.js';

/** The structure of the file the attack starts from. */
export interface Variant {
  useObjectStreams?: boolean;
}

export interface Attack {
  name: string;
  /** What the forger does and why a naive verifier would say "valid". */
  how: string;
  /** Builds the forged file; `v` chooses the base file's structure (object streams or not). */
  build: (v?: Variant) => Promise<Buffer>;
  /** One of these rules must be in the report (document or signature problems). */
  rules: RuleId[];
  /** Instead of reporting, verifyPdf refuses the file with this code (no rule then). */
  refusedAs?: SigningErrorCode;
}

const pki = testPki();
const signer = () => ({
  privateKey: pki.rsaSigner.key,
  certificate: pki.rsaSigner.cert,
  chain: [pki.root.cert],
});

const leader: Appearance = {
  kind: 'leader',
  page: 1,
  rect: [330, 400, 230, 150],
  image: signatureImage(),
  authorityPrefix: 'KT. CHỦ TỊCH',
  title: 'PHÓ CHỦ TỊCH',
  name: 'Nguyễn Thị Hằng',
};

export const signedBase = async (opts: Parameters<typeof makePdf>[0] = {}): Promise<Buffer> =>
  signPdf(await makePdf({ withAnnotation: true, ...opts }), {
    signer: signer(),
    signingTime: FIXED_NOW,
    appearance: leader,
  });

/** Appends one revision made with the library's own writer (the usual incremental update). */
export function update(pdf: Buffer, edit: (r: PdfReader, w: IncrementalWriter) => void): Buffer {
  const reader = new PdfReader(pdf);
  const writer = new IncrementalWriter(reader, pdf);
  edit(reader, writer);
  return Buffer.concat([pdf, writer.build().appended]);
}

const overlay = 'q 1 1 1 rg 0 0 300 80 re f Q BT /Helv 24 Tf 10 30 Td (DA DUYET) Tj ET';

/** A form XObject drawing `content` in a `w` × `h` box (an appearance, or a drawn XObject). */
export const formXObject = (content: string, w = 300, h = 80): PdfStream =>
  new PdfStream(
    dict({ Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, w, h] }),
    Buffer.from(content),
  );

/** A new object holding `value`, in the revision `w` writes. */
function add(w: IncrementalWriter, value: PdfValue): PdfRef {
  const r = w.allocate();
  w.set(r, value);
  return r;
}

/** The page's (first) content stream reference, whether /Contents is a reference or an array. */
function contentRef(r: PdfReader): PdfRef {
  const c = r.getPage(1).dict.get('Contents');
  return (Array.isArray(c) ? c[0] : c) as PdfRef;
}

function sigWidget(r: PdfReader): { ref: PdfRef; dict: PdfDict } {
  const f = listFields(r).find((x) => x.type === 'Sig' && x.dict.has('V'))!;
  return { ref: f.ref!, dict: f.dict };
}

function textAnnotation(r: PdfReader): { ref: PdfRef; dict: PdfDict } {
  const annots = r.resolve(r.getPage(1).dict.get('Annots')) as PdfRef[];
  const a = annots.find((x) => r.resolveDict(x)?.name('Subtype') === 'Text')!;
  return { ref: a, dict: r.resolveDict(a)! };
}

/** Offsets of every object the file's newest section defines (to point a forged section at them). */
function newestObjects(pdf: Buffer): Record<number, number> {
  const r = new PdfReader(pdf);
  const out: Record<number, number> = {};
  for (const [num, e] of r.sections[0]!.entries) if (e.type === 'offset') out[num] = e.offset;
  return out;
}

/** A one-page PDF written by hand: `content` on the page, Helvetica as /F1 (object 5). */
const handWritten = (content: string, catalogExtra = '', objects: Record<number, string> = {}) =>
  rawPdf(
    {
      1: `<< /Type /Catalog /Pages 2 0 R ${catalogExtra}>>`,
      2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /Properties << /a 8 0 R /b 9 0 R >> >> /Contents 4 0 R >>',
      4: rawStream(content),
      5: HELVETICA,
      ...objects,
    },
    '/Root 1 0 R',
  );

/**
 * Adds an annotation (or widget) to page 1 as object n, with `extra` objects (n + 1…) in the same
 * revision, and to the form's fields when `field` is set.
 */
function withNewAnnotation(
  pdf: Buffer,
  body: (n: number, page: number) => string,
  field = false,
  extra: (n: number) => Record<number, string> = () => ({}),
) {
  const r = new PdfReader(pdf);
  const page = r.getPage(1);
  const n = r.size;
  const annots = [...((r.resolve(page.dict.get('Annots')) as PdfRef[] | undefined) ?? []), ref(n)];
  const objects: Record<number, string> = {
    ...extra(n),
    [n]: body(n, page.ref.num),
    [page.ref.num]: serialize(page.dict.clone().set('Annots', annots)),
  };
  if (field) {
    const af = r.catalog().get('AcroForm') as PdfRef;
    const form = r.resolveDict(af)!;
    const fields = [...(r.resolve(form.get('Fields')) as PdfRef[]), ref(n)];
    objects[af.num] = serialize(form.clone().set('Fields', fields));
  }
  return appendRaw(pdf, { objects }).pdf;
}

/** Two layers on the page: PAY 100 in layer a (shown), PAY 1,000,000 in layer b (hidden). */
const layered =
  '/OC /a BDC BT /F1 24 Tf 72 700 Td (PAY 100 VND) Tj ET EMC /OC /b BDC BT /F1 24 Tf 72 650 Td (PAY 1,000,000 VND) Tj ET EMC';

const forgedAmount =
  'q 1 1 1 rg 0 0 400 40 re f Q BT /Helv 24 Tf 12 10 Td (PAY 1,000,000 VND) Tj ET';

/** A form XObject that writes `text` in Helvetica (its own resources, for any page). */
const amountForm = (text: string) =>
  rawStream(
    `BT /F1 24 Tf 0 10 Td (${text}) Tj ET`,
    `/Type /XObject /Subtype /Form /BBox [0 0 500 50] /Resources << /Font << /F1 ${HELVETICA} >> >> `,
  );

export const ATTACKS: Attack[] = [
  {
    name: 'hole-holds-objects',
    how: 'objects written into the unsigned gap after a shortened /Contents (signature wrapping)',
    rules: ['BYTE_RANGE_HOLE'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        rewriteHole: (hole) => {
          const hex = hole.toString('latin1');
          const cut = hex.search(/0{64}/);
          const planted = `> 99 0 obj << /Forged true >> endobj %`;
          hole.write(planted, cut, 'latin1');
        },
      }),
  },
  {
    name: 'gap-wider-than-contents',
    how: 'the ByteRange leaves out a byte on each side of /Contents',
    rules: ['BYTE_RANGE_HOLE'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        byteRange: (h) => `[0 ${h.start - 1} ${h.end + 1} ${h.total - h.end - 1}]`,
      }),
  },
  {
    name: 'first-range-not-from-zero',
    how: 'the first range starts after the header, which is then unsigned',
    rules: ['BYTE_RANGE_MALFORMED'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        byteRange: (h) => `[9 ${h.start - 9} ${h.end} ${h.total - h.end}]`,
      }),
  },
  {
    name: 'overlapping-ranges',
    how: 'the second range starts before the first ends',
    rules: ['BYTE_RANGE_MALFORMED'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        byteRange: (h) => `[0 ${h.start} ${h.start - 100} ${h.total - h.start + 100}]`,
      }),
  },
  {
    name: 'negative-length',
    how: 'a negative length in the ByteRange',
    rules: ['BYTE_RANGE_MALFORMED'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), { byteRange: (h) => `[0 ${h.start} ${h.end} -5]` }),
  },
  {
    name: 'three-ranges',
    how: 'six numbers, a third range',
    rules: ['BYTE_RANGE_MALFORMED'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        byteRange: (h) => `[0 ${h.start} ${h.end} ${h.total - h.end - 20} ${h.total - 10} 10]`,
      }),
  },
  {
    name: 'short-of-revision-end',
    how: 'the signed range stops before the end of its revision (startxref and %%EOF unsigned)',
    rules: ['BYTE_RANGE_END'],
    build: async (v: Variant = {}) =>
      forgeSignature(await makePdf(v), {
        byteRange: (h) => `[0 ${h.start} ${h.end} ${h.total - h.end - 30}]`,
      }),
  },
  {
    name: 'root-swapped',
    how: 'a later revision points /Root at a new catalog with a forged page tree',
    rules: ['ROOT_CHANGED'],
    build: async (v: Variant = {}) => {
      const pdf = await signedBase(v);
      const r = new PdfReader(pdf);
      const n = r.size;
      const af = r.catalog().get('AcroForm') as PdfRef;
      return appendRaw(pdf, {
        objects: {
          [n]: `<< /Type /Catalog /Pages ${n + 1} 0 R /AcroForm ${af.num} 0 R >>`,
          [n + 1]: `<< /Type /Pages /Kids [${n + 2} 0 R] /Count 1 >>`,
          [n + 2]:
            `<< /Type /Page /Parent ${n + 1} 0 R /MediaBox [0 0 595 842] /Contents ${n + 3} 0 R >>`,
          [n + 3]: streamBody('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET'),
        },
        trailer: `/Root ${n} 0 R`,
      }).pdf;
    },
  },
  {
    name: 'prev-skips-signed-revision',
    how: 'a new section reuses the signed objects where they are but its /Prev skips the signed xref',
    rules: ['REVISION_NOT_IN_CHAIN'],
    build: async (v: Variant = {}) => {
      const unsigned = await makePdf(v);
      const pdf = await signPdf(unsigned, { signer: signer(), signingTime: FIXED_NOW });
      const content = contentRef(new PdfReader(pdf)).num;
      return appendRaw(pdf, {
        objects: { [content]: streamBody('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET') },
        reuse: newestObjects(pdf),
        prev: findStartXref(unsigned),
      }).pdf;
    },
  },
  {
    name: 'shadow-xref',
    how: 'an xref section planted (unreferenced) before signing is made live by a later /Prev',
    rules: ['SHADOW_XREF'],
    build: async (v: Variant = {}) => {
      const unsigned = await makePdf(v);
      const content = contentRef(new PdfReader(unsigned)).num;
      const planted = appendRaw(unsigned, {
        objects: { [content]: streamBody('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET') },
        unterminated: true,
      });
      const signed = await signPdf(planted.pdf, { signer: signer(), signingTime: FIXED_NOW });
      return appendRaw(signed, {
        objects: {},
        reuse: newestObjects(signed),
        prev: planted.xrefOffset,
      }).pdf;
    },
  },
  {
    name: 'shadow-xref-stream',
    how: 'an xref stream planted before signing is switched on by a later table /XRefStm (hybrid)',
    rules: ['SHADOW_XREF'],
    build: async (v: Variant = {}) => {
      const unsigned = await makePdf(v);
      const r = new PdfReader(unsigned);
      const content = contentRef(r).num;
      const body = streamBody('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET');
      const head = `\n${content} 0 obj\n${body}\nendobj\n`;
      const objAt = unsigned.length + 1;
      const row = Buffer.from([1, 0, 0, 0, 0, 0]);
      row.writeUInt32BE(objAt, 1);
      const stmAt = unsigned.length + Buffer.byteLength(head, 'latin1');
      const stm =
        `${r.size} 0 obj\n<< /Type /XRef /Size ${r.size + 1} /W [1 4 1] /Index [${content} 1] ` +
        `/Root ${r.rootRef.num} 0 R /Length 6 >>\nstream\n`;
      const planted = Buffer.concat([
        unsigned,
        Buffer.from(head + stm, 'latin1'),
        row,
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);
      const signed = await signPdf(planted, { signer: signer(), signingTime: FIXED_NOW });
      const root = new PdfReader(signed).rootRef;
      return appendRaw(signed, {
        objects: {},
        reuse: {},
        trailer: `/Root ${root.num} 0 R /XRefStm ${stmAt}`,
      }).pdf;
    },
  },
  {
    name: 'objects-appended-without-xref',
    how: 'a redefined page content stream appended after the last %%EOF with no xref (for viewers that repair files)',
    rules: ['UNSIGNED_TRAILING_BYTES'],
    build: async (v: Variant = {}) => {
      const pdf = await signedBase(v);
      const content = contentRef(new PdfReader(pdf)).num;
      const body = streamBody('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET');
      return Buffer.concat([pdf, Buffer.from(`${content} 0 obj\n${body}\nendobj\n`, 'latin1')]);
    },
  },
  {
    name: 'referenced-then-defined',
    how: 'the signed page lists annotation 999 that does not exist; a later revision defines it',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const prepared = update(await makePdf({ ...v, withAnnotation: true }), (r, w) => {
        const page = r.getPage(1);
        const annots = r.resolve(page.dict.get('Annots')) as PdfRef[];
        w.set(page.ref, page.dict.clone().set('Annots', [...annots, ref(999)]));
      });
      const pdf = await signPdf(prepared, { signer: signer(), signingTime: FIXED_NOW });
      return appendRaw(pdf, {
        objects: {
          999: `<< /Type /Annot /Subtype /Stamp /Rect [60 680 360 760] /F 4 /AP << /N 1000 0 R >> >>`,
          1000: streamBody(overlay, '/Type /XObject /Subtype /Form /BBox [0 0 300 80] '),
        },
      }).pdf;
    },
  },
  {
    name: 'content-planted-as-dss',
    how: "the drafter lists the page's content stream in the DSS; after signing it is rewritten as validation data",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const drafted = update(await makePdf(v), (r, w) => {
        const dss = w.allocate();
        w.set(dss, dict({ Type: name('DSS'), Certs: [contentRef(r)] }));
        w.set(r.rootRef, r.catalog().clone().set('DSS', dss));
      });
      return update(await signPdf(drafted, { signer: signer(), signingTime: FIXED_NOW }), (r, w) =>
        w.set(contentRef(r), new PdfStream(new PdfDict(), Buffer.from(overlay))),
      );
    },
  },
  {
    name: 'xobject-planted-as-metadata',
    how: 'the drafter draws the XMP metadata stream on the page as a form XObject; after signing it is rewritten as metadata',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const form = (content: string) => formXObject(content, 595, 842);
      let xobj = ref(0);
      const drafted = update(await makePdf(v), (r, w) => {
        xobj = w.allocate();
        w.set(xobj, form('BT /F1 12 Tf 72 650 Td (Dieu 1) Tj ET'));
        w.set(r.rootRef, r.catalog().clone().set('Metadata', xobj));
        const page = r.getPage(1);
        const draw = w.allocate();
        w.set(draw, new PdfStream(new PdfDict(), Buffer.from('/Xm Do')));
        const contents = page.dict.get('Contents');
        const res = r.resolveDict(page.dict.get('Resources'))?.clone() ?? new PdfDict();
        res.set('XObject', dict({ Xm: xobj }));
        w.set(
          page.ref,
          page.dict
            .clone()
            .set('Resources', res)
            .set('Contents', [...(Array.isArray(contents) ? contents : [contents!]), draw]),
        );
      });
      return update(await signPdf(drafted, { signer: signer(), signingTime: FIXED_NOW }), (_r, w) =>
        w.set(xobj, form(overlay)),
      );
    },
  },
  {
    name: 'indirect-rotate',
    how: "the page's /Rotate is an indirect number that a later revision redefines",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      let rot = ref(0);
      const drafted = update(await makePdf(v), (r, w) => {
        rot = w.allocate();
        w.set(rot, 0);
        const page = r.getPage(1);
        w.set(page.ref, page.dict.clone().set('Rotate', rot));
      });
      return update(await signPdf(drafted, { signer: signer(), signingTime: FIXED_NOW }), (_r, w) =>
        w.set(rot, 180),
      );
    },
  },
  {
    name: 'overlay-annotation',
    how: 'an unsigned revision adds a stamp annotation whose appearance covers the page text',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const ap = add(w, formXObject(overlay));
        const annot = w.allocate();
        w.set(
          annot,
          dict({
            Type: name('Annot'),
            Subtype: name('Stamp'),
            Rect: [60, 680, 360, 760],
            F: 4,
            AP: dict({ N: ap }),
          }),
        );
        addPageAnnotations(r, w, 1, [annot]);
      }),
  },
  {
    name: 'signature-widget-moved',
    how: "the signed field's widget gets another /Rect",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const wdg = sigWidget(r);
        w.set(wdg.ref, wdg.dict.clone().set('Rect', [0, 0, 595, 842]));
      }),
  },
  {
    name: 'signature-appearance-replaced',
    how: "the signed widget's appearance stream is redefined in place",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const apRef = r.resolveDict(sigWidget(r).dict.get('AP'))!.get('N') as PdfRef;
        const old = r.getObject(apRef.num) as PdfStream;
        w.set(apRef, new PdfStream(old.dict, Buffer.from(overlay)));
      }),
  },
  {
    name: 'annotation-hidden',
    how: 'an existing annotation is set Hidden in an unsigned revision',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const a = textAnnotation(r);
        w.set(a.ref, a.dict.clone().set('F', 2));
      }),
  },
  {
    name: 'annotation-moved',
    how: 'an existing annotation is moved in an unsigned revision',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const a = textAnnotation(r);
        w.set(a.ref, a.dict.clone().set('Rect', [72, 740, 92, 760]));
      }),
  },
  {
    name: 'content-stream-rewritten',
    how: 'the page content stream object is redefined',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        w.set(
          contentRef(r),
          new PdfStream(new PdfDict(), Buffer.from('BT /F1 24 Tf 72 700 Td (FORGED) Tj ET')),
        );
      }),
  },
  {
    name: 'contents-array-extended',
    how: 'a second content stream is appended to the page (drawn over the first)',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const page = r.getPage(1);
        const extra = w.allocate();
        w.set(extra, new PdfStream(new PdfDict(), Buffer.from(overlay)));
        w.set(page.ref, page.dict.clone().set('Contents', [page.dict.get('Contents')!, extra]));
      }),
  },
  {
    name: 'resources-replaced',
    how: "the page's /Resources are replaced (another font under the same name)",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const page = r.getPage(1);
        w.set(page.ref, page.dict.clone().set('Resources', new PdfDict()));
      }),
  },
  {
    name: 'page-added',
    how: 'the page tree gets another page',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const pagesRef = r.catalog().get('Pages') as PdfRef;
        const pages = r.resolveDict(pagesRef)!;
        const p = w.allocate();
        w.set(p, dict({ Type: name('Page'), Parent: pagesRef, MediaBox: [0, 0, 595, 842] }));
        const kids = r.resolve(pages.get('Kids')) as PdfRef[];
        w.set(
          pagesRef,
          pages
            .clone()
            .set('Kids', [...kids, p])
            .set('Count', kids.length + 1),
        );
      }),
  },
  {
    name: 'visible-empty-signature-field',
    how: 'an unsigned revision adds an empty signature field whose appearance covers the page',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      update(await signedBase(v), (r, w) => {
        const ap = add(w, formXObject(overlay));
        const f = w.allocate();
        w.set(
          f,
          dict({
            Type: name('Annot'),
            Subtype: name('Widget'),
            FT: name('Sig'),
            Rect: [60, 680, 360, 760],
            F: 4,
            AP: dict({ N: ap }),
          }),
        );
        addPageAnnotations(r, w, 1, [f]);
      }),
  },
  {
    name: 'hidden-flag-not-an-integer',
    how: 'an empty signature widget over the page marked Hidden as /F 2.0, which viewers read as no flags and draw',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const pdf = await signedBase(v);
      const r = new PdfReader(pdf);
      const page = r.getPage(1);
      const annots = (r.resolve(page.dict.get('Annots')) as PdfRef[]).map((a) => `${a.num} 0 R`);
      const n = r.size;
      return appendRaw(pdf, {
        objects: {
          [n]: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (X) /F 2.0 /Rect [60 600 360 680] /AP << /N ${n + 1} 0 R >> >>`,
          [n + 1]: streamBody(overlay, '/Type /XObject /Subtype /Form /BBox [0 0 300 80] '),
          [page.ref.num]: serialize(
            page.dict.clone().set('Annots', new PdfRaw(`[${annots.join(' ')} ${n} 0 R]`)),
          ),
        },
      }).pdf;
    },
  },
  {
    name: 'direct-annotation-swapped',
    how: 'a direct (inline) invisible widget added to /Annots, then swapped for a direct stamp over the page',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const pdf = await signedBase(v);
      const r = new PdfReader(pdf);
      const page = r.getPage(1);
      const annots = (r.resolve(page.dict.get('Annots')) as PdfRef[]).map((a) => `${a.num} 0 R`);
      const withEntry = (entry: string) =>
        serialize(page.dict.clone().set('Annots', new PdfRaw(`[${annots.join(' ')} ${entry}]`)));
      const first = appendRaw(pdf, {
        objects: {
          [page.ref.num]: withEntry(
            '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Y) /Rect [0 0 0 0] >>',
          ),
        },
      }).pdf;
      const n = new PdfReader(first).size;
      return appendRaw(first, {
        objects: {
          [n]: streamBody(overlay, '/Type /XObject /Subtype /Form /BBox [0 0 300 80] '),
          [page.ref.num]: withEntry(
            `<< /Type /Annot /Subtype /Stamp /F 4 /Rect [60 600 360 680] /AP << /N ${n} 0 R >> >>`,
          ),
        },
      }).pdf;
    },
  },
  {
    name: 'annotation-planted-as-info',
    how: 'the drafter makes the trailer /Info the page note; after signing it is rewritten into a stamp as "metadata"',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      const draft = await makePdf({ ...v, withAnnotation: true });
      const r = new PdfReader(draft);
      const note = textAnnotation(r).ref;
      const planted = appendRaw(draft, {
        objects: { [note.num]: serialize(r.getObject(note.num)!) },
        trailer: `/Root ${r.rootRef.num} 0 R /Info ${note.num} 0 R`,
      }).pdf;
      const signed = await signPdf(planted, { signer: signer(), signingTime: FIXED_NOW });
      const n = new PdfReader(signed).size;
      return appendRaw(signed, {
        trailer: `/Root ${r.rootRef.num} 0 R /Info ${note.num} 0 R`,
        objects: {
          [n]: streamBody(overlay, '/Type /XObject /Subtype /Form /BBox [0 0 300 80] '),
          [note.num]: `<< /Type /Annot /Subtype /Stamp /F 4 /Rect [60 600 360 680] /AP << /N ${n} 0 R >> >>`,
        },
      }).pdf;
    },
  },
  {
    name: 'appearance-planted-as-dss',
    how: "the drafter lists a stamp's appearance stream in the DSS; after signing it is redrawn as validation data",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) => {
      let ap = ref(0);
      const draft = update(await makePdf({ ...v, withAnnotation: true }), (r, w) => {
        ap = add(w, formXObject('q Q'));
        const stamp = add(
          w,
          dict({
            Type: name('Annot'),
            Subtype: name('Stamp'),
            F: 4,
            Rect: [60, 600, 360, 680],
            AP: dict({ N: ap }),
          }),
        );
        const dss = add(w, dict({ Type: name('DSS'), Certs: [ap] }));
        w.set(r.rootRef, r.catalog().clone().set('DSS', dss));
        addPageAnnotations(r, w, 1, [stamp]);
      });
      const signed = await signPdf(draft, { signer: signer(), signingTime: FIXED_NOW });
      return update(signed, (_r, w) => w.set(ap, formXObject(overlay)));
    },
  },
  {
    name: 'certified-p1-then-signed',
    how: 'a second signature is forged onto a document certified with no changes allowed',
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      const certified = await signPdf(await makePdf(v), {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 1,
      });
      return forgeSignature(certified, { signer: pki.ecSigner });
    },
  },
  {
    name: 'certified-p2-then-annotated',
    how: 'an annotation is added to a document certified for form filling and signatures only',
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      const certified = await signPdf(await makePdf({ ...v, withAnnotation: true }), {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 2,
      });
      return update(certified, (r, w) => {
        const a = textAnnotation(r);
        w.set(a.ref, a.dict.clone().set('Contents', name('Changed')));
      });
    },
  },
  {
    name: 'certification-not-first',
    how: 'a later signature declares itself a certification',
    rules: ['CERTIFICATION_NOT_FIRST'],
    build: async (v: Variant = {}) =>
      forgeSignature(await signedBase(v), {
        extraEntries: {
          Reference:
            '[<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P 3 /V /1.2 >> >>]',
        },
      }),
  },
  {
    name: 'line-annotation-as-signature-field',
    how: 'a Line annotation calls itself a signature field (/FT /Sig) with an empty /Rect, to pass for an invisible signature field; viewers draw it from its /L coordinates, over the signed text',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async (v: Variant = {}) =>
      withNewAnnotation(
        await signedBase(v),
        () =>
          '<< /Type /Annot /Subtype /Line /FT /Sig /T (x) /Rect [0 0 0 0] /L [60 708 330 708] /BS << /W 40 >> /C [0 0 0] /F 4 >>',
      ),
  },
  {
    name: 'stamp-with-author-redrawn-after-p2',
    how: 'a stamp annotation carries a /T (its author, as every markup annotation may), which made it pass for a form field: after a certification allowing only form filling, its appearance is redrawn as if a field were filled',
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      let ap = ref(0);
      const draft = update(await makePdf(v), (r, w) => {
        ap = add(w, formXObject('q Q'));
        const stamp = add(
          w,
          dict({
            Type: name('Annot'),
            Subtype: name('Stamp'),
            T: textString('Văn thư'),
            F: 4,
            Rect: [60, 600, 360, 680],
            AP: dict({ N: ap }),
          }),
        );
        addPageAnnotations(r, w, 1, [stamp]);
      });
      const certified = await signPdf(draft, {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 2,
      });
      return update(certified, (_r, w) => w.set(ap, formXObject(overlay)));
    },
  },
  {
    name: 'sneaky-signature-field-after-p2',
    how: 'after a certification allowing form filling and signatures, an empty signature field (never signed) is added whose widget paints over the page (the sneaky signature attack)',
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      const certified = await signPdf(await makePdf(v), {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 2,
      });
      return withNewAnnotation(
        certified,
        (m, page) =>
          `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig2) /F 4 /P ${page} 0 R /Rect [60 690 460 730] /AP << /N ${m + 1} 0 R >> >>`,
        true,
        (m) => ({
          [m + 1]: streamBody(forgedAmount, '/Type /XObject /Subtype /Form /BBox [0 0 400 40] '),
        }),
      );
    },
  },
  {
    name: 'signature-field-reusing-old-signature',
    how: "after a certification allowing signatures, a visible signature widget is added whose value is the certifier's own signature dictionary: it shows a new look but no new signature covers it",
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      const certified = await signPdf(await makePdf(v), {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 2,
      });
      const r = new PdfReader(certified);
      const value = listFields(r)
        .find((f) => f.type === 'Sig')!
        .dict.get('V') as PdfRef;
      return withNewAnnotation(
        certified,
        (m, page) =>
          `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig2) /V ${value.num} 0 R /F 4 /P ${page} 0 R /Rect [60 690 460 730] /AP << /N ${m + 1} 0 R >> >>`,
        true,
        (m) => ({
          [m + 1]: streamBody(forgedAmount, '/Type /XObject /Subtype /Form /BBox [0 0 400 40] '),
        }),
      );
    },
  },
  {
    name: 'optional-content-planted-as-info',
    how: 'the drafter makes the Info dictionary also the default optional-content configuration: a later "Info" update switches which layer shows, PAY 100 or PAY 1,000,000',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async () => {
      const layers = (on: string, off: string) =>
        `<< /Producer (eOffice) /ON [${on}] /OFF [${off}] /Order [8 0 R 9 0 R] >>`;
      const base = handWritten(layered, '/OCProperties << /OCGs [8 0 R 9 0 R] /D 10 0 R >> ', {
        8: '<< /Type /OCG /Name (A) >>',
        9: '<< /Type /OCG /Name (B) >>',
        10: layers('8 0 R', '9 0 R'),
      });
      const withInfo = Buffer.from(
        base.toString('latin1').replace('/Root 1 0 R', '/Root 1 0 R /Info 10 0 R'),
        'latin1',
      );
      const signed = await signPdf(withInfo, { signer: signer(), signingTime: FIXED_NOW });
      return appendUpdate(signed, {
        kind: 'table',
        objects: { 10: layers('9 0 R', '8 0 R') },
        trailer: `/Root ${new PdfReader(signed).rootRef.num} 0 R /Info 10 0 R`,
      });
    },
  },
  {
    name: 'open-action-planted-as-dss-after-p1',
    how: "the drafter lists the catalog's /OpenAction among the DSS's objects; after a certification allowing no change it is rewritten to JavaScript, as if validation data were added",
    rules: ['DOCMDP_VIOLATED'],
    build: async () => {
      const base = handWritten(
        'BT /F1 24 Tf 72 700 Td (PAY 100 VND) Tj ET',
        '/OpenAction 10 0 R /DSS 11 0 R ',
        {
          8: '<< /Type /OCG /Name (A) >>',
          9: '<< /Type /OCG /Name (B) >>',
          10: '<< /S /GoTo /D [3 0 R /Fit] >>',
          11: '<< /Type /DSS /VRI 10 0 R >>',
        },
      );
      const certified = await signPdf(base, {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 1,
      });
      return appendUpdate(certified, {
        kind: 'table',
        objects: { 10: '<< /S /JavaScript /JS (app.alert\\(1\\)) >>' },
      });
    },
  },
  {
    name: 'object-stream-planted-as-metadata',
    how: 'the object stream holding the page\'s resources is also the catalog\'s XMP /Metadata: a later revision rewrites the "metadata" and with it the resources, which it does not list',
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async () => {
      const resources = (x: string) => `<< /Font << /F1 5 0 R >> /XObject << /X ${x} >> >>`;
      const form = (t: string) =>
        rawStream(
          `BT /F1 24 Tf 0 10 Td (${t}) Tj ET`,
          '/Type /XObject /Subtype /Form /BBox [0 0 500 50] /Resources << /Font << /F1 5 0 R >> >> ',
        );
      const base = rawPdf(
        {
          1: '<< /Type /Catalog /Pages 2 0 R /Metadata 7 0 R >>',
          2: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
          3: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 6 0 R /Contents 4 0 R >>',
          4: rawStream('q 1 0 0 1 72 700 cm /X Do Q'),
          5: HELVETICA,
          8: form('PAY 100 VND'),
          9: form('PAY 1,000,000 VND'),
        },
        '/Root 1 0 R',
      );
      const drafted = appendUpdate(base, {
        objects: { 7: objectStream([[6, resources('8 0 R')]]) },
        entries: { 6: [2, 7, 0] },
      });
      const signed = await signPdf(drafted, { signer: signer(), signingTime: FIXED_NOW });
      return appendUpdate(signed, { objects: { 7: objectStream([[6, resources('9 0 R')]]) } });
    },
  },
  {
    name: 'xfa-planted-as-metadata',
    how: "the drafter makes the form's XFA (which Adobe's viewer draws instead of the pages) also the catalog's XMP /Metadata: a later \"metadata\" update rewrites the form as shown",
    rules: ['MODIFIED_AFTER_SIGNING'],
    build: async () => {
      const xfa = (amount: string) =>
        rawStream(
          `<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><subform><draw><value><text>${amount}</text></value></draw></subform></template></xdp:xdp>`,
          '/Type /Metadata /Subtype /XML ',
        );
      const base = handWritten(
        'BT /F1 24 Tf 72 700 Td (PAY 100 VND) Tj ET',
        '/AcroForm << /Fields [] /XFA 7 0 R >> /Metadata 7 0 R ',
        { 7: xfa('PAY 100 VND') },
      );
      const signed = await signPdf(base, { signer: signer(), signingTime: FIXED_NOW });
      return appendUpdate(signed, { kind: 'table', objects: { 7: xfa('PAY 1,000,000 VND') } });
    },
  },
  {
    name: 'signature-widget-outside-the-form-after-p2',
    how: "after a certification allowing signatures, a visible signature widget is added to the page only (not to the form's fields), its value a new signature dictionary that no one verifies because no field lists it",
    rules: ['DOCMDP_VIOLATED'],
    build: async (v: Variant = {}) => {
      const certified = await signPdf(await makePdf(v), {
        signer: signer(),
        signingTime: FIXED_NOW,
        certify: 2,
      });
      return withNewAnnotation(
        certified,
        (m, page) =>
          `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig9) /V ${m + 2} 0 R /F 4 /P ${page} 0 R /Rect [60 690 460 730] /AP << /N ${m + 1} 0 R >> >>`,
        false,
        (m) => ({
          [m + 1]: streamBody(forgedAmount, '/Type /XObject /Subtype /Form /BBox [0 0 400 40] '),
          [m + 2]:
            '<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <00> >>',
        }),
      );
    },
  },
  {
    name: 'object-stream-repeats-a-number',
    how: "the drafter's object stream lists the page's resources twice, one drawing PAY 100 and one PAY 1,000,000; the signed xref points at the first copy, a later revision at the second (pdf.js shows the last copy whatever the xref says, MuPDF the first, poppler the one at the xref's index)",
    rules: ['SHADOW_OBJECT'],
    build: async (v: Variant = {}) => {
      const base = await makePdf(v);
      const r = new PdfReader(base);
      const page = r.getPage(1);
      const n = r.size;
      const [res, stm, pay100, pay1m, draw] = [n, n + 1, n + 2, n + 3, n + 4];
      const resources = r.resolveDict(page.dict.get('Resources'))!;
      const drawing = (form: number) =>
        serialize(resources.clone().set('XObject', dict({ X: ref(form) })));
      const contents = page.dict.get('Contents');
      const drafted = appendUpdate(base, {
        objects: {
          [page.ref.num]: serialize(
            page.dict
              .clone()
              .set('Resources', ref(res))
              .set('Contents', [...(Array.isArray(contents) ? contents : [contents!]), ref(draw)]),
          ),
          [stm]: objectStream([
            [res, drawing(pay100)],
            [res, drawing(pay1m)],
          ]),
          [pay100]: amountForm('PAY 100 VND'),
          [pay1m]: amountForm('PAY 1,000,000 VND'),
          [draw]: rawStream('q 1 0 0 1 72 650 cm /X Do Q'),
        },
        entries: { [res]: [2, stm, 0] },
      });
      // Another tool signs what eOffice's engine refuses (PDF_AMBIGUOUS).
      const signed = await signPdf(drafted, {
        signer: signer(),
        signingTime: FIXED_NOW,
        allowAmbiguous: true,
      });
      return appendUpdate(signed, { entries: { [res]: [2, stm, 1] } });
    },
  },
  {
    name: 'hybrid-table-frees-what-its-stream-keeps',
    how: "a later hybrid section's table marks the page's content stream and its note free, while its own /XRefStm lists them where they were: pdf.js and MuPDF show the page blank, poppler as signed",
    rules: ['XREF_AMBIGUOUS'],
    build: async (v: Variant = {}) => {
      const pdf = await signedBase(v);
      const r = new PdfReader(pdf);
      const gone = [contentRef(r).num, textAnnotation(r).ref.num];
      return appendHybridUpdate(pdf, {
        table: Object.fromEntries(gone.map((n) => [n, [0, 0, 1]])),
        stream: Object.fromEntries(gone.map((n) => [n, rawEntryOf(r, n)])),
      });
    },
  },
  {
    name: 'xref-row-of-unknown-type',
    how: 'the drafter writes a second, unlisted body of the page content inside the signed bytes; after signing, an xref stream row of type 3 makes pdf.js and poppler rebuild the file from its object headers, where the planted body wins',
    rules: [],
    refusedAs: 'PDF_MALFORMED',
    build: async (v: Variant = {}) => {
      const base = await makePdf(v);
      const r = new PdfReader(base);
      const fonts = r.resolveDict(r.resolveDict(r.getPage(1).dict.get('Resources'))?.get('Font'))!;
      const font = [...fonts.map.keys()][0]!;
      const body = rawStream(`BT /${font} 24 Tf 72 700 Td (PAY 1,000,000 VND) Tj ET`);
      const planted = Buffer.concat([
        base,
        Buffer.from(`\n${contentRef(r).num} 0 obj\n${body}\nendobj\n`, 'latin1'),
      ]);
      const drafted = appendUpdate(planted, { objects: { [r.size]: '<< /Producer (eOffice) >>' } });
      // Another tool signs what eOffice's engine refuses (PDF_AMBIGUOUS).
      const signed = await signPdf(drafted, {
        signer: signer(),
        signingTime: FIXED_NOW,
        allowAmbiguous: true,
      });
      return appendUpdate(signed, { entries: { [new PdfReader(signed).size]: [3, 0, 0] } });
    },
  },
  {
    name: 'unlisted-body-planted-before-signing',
    how: "the drafter's page also draws an object that no xref section lists (a number past /Size), whose body, writing PAY 1,000,000 VND, lies in the drafted bytes: a reader that follows the xref draws nothing for it, poppler rebuilds a file with classic tables from its object headers and prints the planted text",
    rules: ['REFERENCE_AMBIGUOUS'],
    build: async (v: Variant = {}) => {
      const base = await makePdf(v);
      const drafted = drawsUnlisted(base, unlistedNumber(new PdfReader(base)), { plant: true });
      // Another tool signs what eOffice's engine refuses (PDF_AMBIGUOUS).
      return signPdf(drafted, { signer: signer(), signingTime: FIXED_NOW, allowAmbiguous: true });
    },
  },
  {
    name: 'unlisted-body-hidden-after-signing',
    how: 'the signed page draws an object that no xref section lists and no byte defines (every reader draws nothing); after signing, a revision adds one unreferenced object, which any revision may add, whose stream data holds a body of the unlisted object: poppler rebuilds the file (classic tables) and prints it, and a body inside a listed object is not an unlisted body to the check of later revisions',
    rules: ['REFERENCE_AMBIGUOUS'],
    build: async (v: Variant = {}) => {
      const base = await makePdf(v);
      const r = new PdfReader(base);
      const num = unlistedNumber(r);
      const signed = await signPdf(drawsUnlisted(base, num), {
        signer: signer(),
        signingTime: FIXED_NOW,
      });
      return hideBodyInNewObject(signed, num, plantedContent(r));
    },
  },
  {
    name: 'skewed-entry-body-hidden-after-signing',
    how: "the drafter lists the page's content stream two bytes past its header, as a producer that miscounts offsets would (we read it from the header nearby, pdf.js drops it); after signing, a revision adds one unreferenced object whose stream data holds another body of that content stream, the last one in the file: our reader and poppler take it and show PAY 1,000,000 VND, though no revision lists it",
    rules: ['REFERENCE_AMBIGUOUS'],
    build: async (v: Variant = {}) => {
      const base = await makePdf(v);
      const r = new PdfReader(base);
      const signed = await signPdf(skewedContent(base), {
        signer: signer(),
        signingTime: FIXED_NOW,
        allowAmbiguous: true,
      });
      return hideBodyInNewObject(signed, firstContent(r).num, plantedContent(r));
    },
  },
];
