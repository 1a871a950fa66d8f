/**
 * Seed corpus of the PDF fuzzer: valid files from several producers, generated at start into a
 * work directory (nothing binary is committed). A producer whose tool is missing is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { signPdf, type SignerKey } from '../../src/signing/index.js';
import { makeHybridPdf, makePdf, FIXED_NOW } from '../../test/unit/signing/helpers/fixtures.js';

export interface Seed {
  name: string;
  bytes: Buffer;
}

const hasTool = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function pdfkitDoc(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { CreationDate: FIXED_NOW } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text('CONG VAN - trang 1', 72, 72);
    doc.addPage().fontSize(12).text('Trang 2', 72, 72);
    doc.end();
  });
}

/** Runs a tool that writes `out`; returns its bytes, or undefined when it fails. */
function tool(
  dir: string,
  name: string,
  cmd: string,
  args: string[],
  out: string,
): Buffer | undefined {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 60_000 });
  } catch (e) {
    // qpdf exits 3 on warnings and still writes the file.
    if ((e as { status?: number }).status !== 3) {
      console.warn(`fuzz corpus: ${name} (${cmd}) failed; skipped`);
      return undefined;
    }
  }
  return existsSync(out) ? readFileSync(out) : undefined;
}

/** Appends a classic incremental update that redefines one object (a new Info dictionary). */
export function incrementalUpdate(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const sx = parseInt(/startxref\s+(\d+)\s*%%EOF\s*$/.exec(text)![1]!, 10);
  const tailFrom = Math.max(0, text.lastIndexOf('startxref') - 4096);
  const tail = text.slice(tailFrom);
  const root = /\/Root\s+(\d+\s+\d+\s+R)/.exec(tail)![1]!;
  const size = Math.max(...[...tail.matchAll(/\/Size\s+(\d+)/g)].map((m) => parseInt(m[1]!, 10)));
  const num = size;
  const sep = text.endsWith('\n') ? '' : '\n';
  const objOffset = pdf.length + sep.length;
  const body = `${num} 0 obj\n<< /Producer (eOffice fuzz seed) /Title (Cap nhat) >>\nendobj\n`;
  const xrefOffset = objOffset + body.length;
  const xref =
    `xref\n0 1\n0000000000 65535 f\r\n${num} 1\n${String(objOffset).padStart(10, '0')} 00000 n\r\n` +
    `trailer\n<< /Size ${num + 1} /Root ${root} /Info ${num} 0 R /Prev ${sx} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(sep + body + xref, 'latin1')]);
}

const POSTSCRIPT = `%!PS
/Times-Roman findfont 14 scalefont setfont
72 760 moveto (QUYET DINH - ghostscript) show
72 700 moveto 300 700 lineto stroke
showpage
/Times-Roman findfont 12 scalefont setfont
72 760 moveto (Trang 2) show
showpage
`;

/** Builds the seeds into `dir`; `signer` signs a few of them. */
export async function buildCorpus(dir: string, signer: SignerKey): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const add = (name: string, bytes: Buffer | undefined) => {
    if (!bytes) return;
    writeFileSync(path.join(dir, `${name}.pdf`), bytes);
    seeds.push({ name, bytes });
  };
  const plain = await makePdf({ pages: 2 });
  add('pdflib-plain', plain);
  add('pdflib-objstm', await makePdf({ useObjectStreams: true }));
  add('pdflib-form', await makePdf({ withForm: true, withAnnotation: true }));
  add('pdflib-hybrid', await makeHybridPdf());
  add('pdfkit', await pdfkitDoc());
  add('incremental', incrementalUpdate(plain));

  const plainFile = path.join(dir, 'pdflib-plain.pdf');
  if (hasTool('qpdf')) {
    const o = path.join(dir, 'qpdf-objstm.pdf');
    add(
      'qpdf-objstm',
      tool(dir, 'qpdf-objstm', 'qpdf', ['--object-streams=generate', plainFile, o], o),
    );
    const u = path.join(dir, 'qpdf-uncompressed-objstm.pdf');
    add(
      'qpdf-uncompressed-objstm',
      tool(
        dir,
        'qpdf-uncompressed-objstm',
        'qpdf',
        [
          '--object-streams=generate',
          '--compress-streams=n',
          '--stream-data=uncompress',
          plainFile,
          u,
        ],
        u,
      ),
    );
    const q = path.join(dir, 'qpdf-qdf.pdf');
    add(
      'qpdf-qdf',
      tool(dir, 'qpdf-qdf', 'qpdf', ['--qdf', '--object-streams=disable', plainFile, q], q),
    );
    const l = path.join(dir, 'qpdf-linearized.pdf');
    add('qpdf-linearized', tool(dir, 'qpdf-linearized', 'qpdf', ['--linearize', plainFile, l], l));
  }
  if (hasTool('gs')) {
    const ps = path.join(dir, 'in.ps');
    writeFileSync(ps, POSTSCRIPT);
    const o = path.join(dir, 'gs.pdf');
    add(
      'ghostscript',
      tool(
        dir,
        'ghostscript',
        'gs',
        ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${o}`, ps],
        o,
      ),
    );
  }
  if (hasTool('mutool')) {
    const content = path.join(dir, 'page.txt');
    writeFileSync(
      content,
      '%%MediaBox 0 0 595 842\n%%Font F1 Times-Roman\nBT /F1 14 Tf 72 760 Td (mutool create) Tj ET\n',
    );
    const o = path.join(dir, 'mutool-create.pdf');
    add('mutool-create', tool(dir, 'mutool-create', 'mutool', ['create', '-o', o, content], o));
    const c = path.join(dir, 'mutool-clean.pdf');
    add(
      'mutool-clean',
      tool(dir, 'mutool-clean', 'mutool', ['clean', '-gg', '-z', plainFile, c], c),
    );
  }

  const sign = (pdf: Buffer) => signPdf(pdf, { signer, signingTime: FIXED_NOW });
  const signedPlain = await sign(plain);
  add('signed-plain', signedPlain);
  add('signed-twice', await sign(signedPlain));
  add('signed-objstm', await sign(seeds.find((s) => s.name === 'pdflib-objstm')!.bytes));
  const lin = seeds.find((s) => s.name === 'qpdf-linearized');
  if (lin) add('signed-linearized', await sign(lin.bytes));
  const unc = seeds.find((s) => s.name === 'qpdf-uncompressed-objstm');
  if (unc) add('signed-uncompressed-objstm', await sign(unc.bytes));
  try {
    add(
      'signed-attachment-stamp',
      await signPdf(plain, {
        signer,
        signingTime: FIXED_NOW,
        appearance: { kind: 'attachment', codeText: 'VB-2026-001' },
      }),
    );
  } catch (e) {
    console.warn(`fuzz corpus: signed-attachment-stamp skipped (${(e as Error).message})`);
  }
  return seeds;
}
