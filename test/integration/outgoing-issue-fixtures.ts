/**
 * Signed outgoing documents for the issuance tests: a Decree 30 style draft PDF (number and date
 * placeholders, a signer block), a leader's signature made once with a test key, and documents
 * at status 'signed' carrying it as their leader-signed file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { Agency, Department } from '../../src/agencies/agency.model.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { attachFiles } from '../../src/documents/document-files.js';
import { findPlacements } from '../../src/drafting/placement.js';
import { configurePdfChecks } from '../../src/files/pdf-check-pool.js';
import { storeUpload, type StoredUpload } from '../../src/files/file-storage.service.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { signerFor } from '../../src/signing-keys/index.js';
import { signPdfWith } from '../../src/signing-providers/index.js';
import type { User } from '../../src/users/user.model.js';
import { enrolForTest, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';
import { makePng } from '../unit/signing/helpers/png.js';

const require = createRequire(import.meta.url);
const SERIF = readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf'));

export interface DraftText {
  number?: string;
  date?: string;
  title?: string;
}

/** A one-page draft laid out as Decree 30 asks, with the placeholders the seal fills in. */
export async function draftPdf(text: DraftText = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(SERIF, { subset: true });
  const page = doc.addPage([595.28, 841.89]);
  const draw = (s: string, y: number, at: { x?: number; cx?: number }, size = 13) => {
    const w = font.widthOfTextAtSize(s, size);
    page.drawText(s, { x: at.x ?? at.cx! - w / 2, y, size, font });
  };
  draw('ỦY BAN NHÂN DÂN', 790, { cx: 160 }, 12);
  draw('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 790, { cx: 420 }, 12);
  draw('HUYỆN THỬ', 775, { cx: 160 }, 12);
  draw('Độc lập - Tự do - Hạnh phúc', 775, { cx: 420 });
  draw(text.number ?? 'Số:          /QĐ-UBND', 745, { cx: 160 });
  draw(text.date ?? 'Hà Nội, ngày      tháng      năm 20   ', 745, { cx: 420 });
  draw(text.title ?? 'QUYẾT ĐỊNH', 700, { cx: 297 }, 14);
  draw('Về việc thử nghiệm ban hành văn bản điện tử', 682, { cx: 297 });
  for (let i = 0; i < 6; i += 1)
    draw(`Điều ${i + 1}. Nội dung của điều này được trình bày trên một dòng.`, 640 - i * 20, {
      x: 85,
    });
  draw('Nơi nhận:', 480, { x: 85 }, 12);
  draw('- Như Điều 3;', 465, { x: 85 }, 11);
  draw('- Lưu: VT.', 452, { x: 85 }, 11);
  draw('TM. ỦY BAN NHÂN DÂN', 480, { cx: 420 });
  draw('CHỦ TỊCH', 463, { cx: 420 });
  draw('Trần Văn Hùng', 373, { cx: 420 });
  return Buffer.from(await doc.save());
}

/** A small blue signature image (transparent PNG). */
const signatureImage = () =>
  makePng(120, 48, (x, y) =>
    Math.abs(y - 24 - 12 * Math.sin(x / 9)) < 2 ? [20, 40, 200, 255] : [0, 0, 0, 0],
  );

/** The draft signed by `leader` with a server-held test key, the image in the signer block. */
export async function leaderSign(pdf: Buffer, leader: User): Promise<Buffer> {
  await enrolForTest(leader);
  const provider = await signerFor(leader, { pin: TEST_PIN });
  const { signer } = await findPlacements(pdf);
  return signPdfWith(provider, pdf, {
    reason: 'Ký ban hành',
    appearance: {
      kind: 'leader',
      page: signer.page,
      rect: signer.rect,
      image: signatureImage(),
      imageOnly: true,
    },
  });
}

export interface SignedDocumentInput {
  agency: Agency;
  department?: Department | null;
  drafter: User;
  leader: User;
  draft: Buffer;
  leaderSigned: Buffer;
  attachments?: Buffer[];
  fields?: Partial<OutgoingDocument['_creationAttributes']>;
}

// The same bytes are checked and stored once per test process (many documents share them).
const stored = new WeakMap<Buffer, Promise<StoredUpload>>();
function storeOnce(pdf: Buffer, name: string): Promise<StoredUpload> {
  let upload = stored.get(pdf);
  if (!upload) {
    upload = storeUpload(pdf, name);
    stored.set(pdf, upload);
  }
  return upload;
}

/** An outgoing document at status 'signed': its main version and the leader's signed revision. */
export async function signedDocument(input: SignedDocumentInput): Promise<OutgoingDocument> {
  const main = await storeOnce(input.draft, 'quyet-dinh.pdf');
  const signed = await storeOnce(input.leaderSigned, 'quyet-dinh.signed.pdf');
  const attachments = await Promise.all(
    (input.attachments ?? []).map((a, i) => storeOnce(a, `phu-luc-${i + 1}.pdf`)),
  );
  return withTransaction(db(), undefined, async (transaction) => {
    const doc = await OutgoingDocument.create(
      {
        agencyId: input.agency.id,
        departmentId: input.department?.id ?? null,
        documentType: 'QĐ',
        subject: 'Về việc thử nghiệm ban hành văn bản điện tử',
        summary: null,
        urgency: 0,
        urgentDeliverBy: null,
        confidentiality: 0,
        normative: false,
        signerId: input.leader.id,
        signingForm: 'TM',
        signerTitle: 'Chủ tịch',
        recipientsNote: null,
        placeName: 'Hà Nội',
        status: 'signed',
        signedAt: new Date(),
        relatedId: null,
        relation: null,
        createdById: input.drafter.id,
        ...input.fields,
      },
      { transaction },
    );
    const ref = { kind: 'outgoing' as const, id: doc.id };
    const [mainRow] = await attachFiles(
      ref,
      [{ fileId: main.storedFile.id, originalName: main.originalName, role: 'main' }],
      transaction,
    );
    await attachFiles(
      ref,
      [
        {
          fileId: signed.storedFile.id,
          originalName: signed.originalName,
          role: 'signed',
          signedFromId: mainRow!.id,
        },
        ...attachments.map((a) => ({
          fileId: a.storedFile.id,
          originalName: a.originalName,
          role: 'attachment' as const,
        })),
      ],
      transaction,
    );
    return doc;
  });
}

/**
 * The test app gives each file check a 64 MB heap (hostile files are refused quickly); reading a
 * draft's text with pdf.js needs more, as in production (256 MB). Raised for one suite, then put
 * back as the test app had it.
 */
export function useProductionPdfCheckHeap(): void {
  before(async () => {
    const { config } = await testApp();
    configurePdfChecks({ limits: { ...config.pdfCheck, memoryMb: 256 } });
  });
  after(async () => {
    const { config } = await testApp();
    configurePdfChecks({ limits: config.pdfCheck });
  });
}
