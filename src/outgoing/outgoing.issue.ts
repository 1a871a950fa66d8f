/**
 * Issuance (issue 12 §4): the clerk numbers a signed document in its series, applies the agency's
 * seal signature (a revision that writes the number and the date at the placeholders) and the
 * agency's text-only signature on each attachment, and dispatches it, in one transaction.
 *   issueOutgoing(id, { number?, date? }, actor) → OutgoingDocument
 *   issuanceQueue(user) → the clerk's signed documents, urgent first, late ones flagged
 */
import { rawSelect } from '../db/raw-select.js';
import { outgoingSearchText } from './outgoing.search.js';
import { Op } from 'sequelize';
import { addWorkingDaysWith, holidaysBetween, todayInVietnam } from '../calendar/working-days.js';
import { db } from '../db/index.js';
import { rawWrite, updateRow } from '../db/raw-write.js';
import { selectTogether } from '../db/select-together.js';
import {
  attachFiles,
  filesFromRows,
  filesWithStored,
  filesWithStoredSelect,
  latestMain,
} from '../documents/document-files.js';
import { runStep } from '../documents/step-runner.js';
import type { Placement } from '../drafting/placement.js';
import { DocumentFile } from '../files/file.model.js';
import { readStoredFile, storeProducedPdf } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { notify } from '../notifications/notification.service.js';
import { authorize } from '../policy/index.js';
import { formatCodeNotation, formatCodeNumber, numberSeries } from '../registers/number-series.js';
import {
  claimNumber,
  releaseNumber,
  reserveNumber,
  type Reservation,
} from '../registers/number-reservations.js';
import { registerIdSelect, type RegisterKey } from '../registers/register.service.js';
import { measureText } from '../signing/appearance/font.js';
import { CodedError } from '../signing/coded-error.js';
import type { PlacedText, Rect } from '../signing/types.js';
import {
  activeCredentialSelect,
  credentialOf,
  sealSignerOf,
  timestampsOf,
} from '../signing-keys/index.js';
import type { TimestampProvider } from '../signing/index.js';
import { signPdfWith, type SignatureProvider } from '../signing-providers/index.js';
import type { User } from '../users/user.model.js';
import { requireVisibleOutgoing, type OutgoingAccess } from './outgoing.access.js';
import { dispatchIssued } from './outgoing.dispatch.js';
import { recordAnswerStep } from './outgoing.answers.js';
import { outgoingFlow } from './outgoing.drafts.js';
import { OutgoingDocument } from './outgoing.model.js';
import { layoutOf } from './version-layout.js';

export interface IssuePlacements {
  /** Where the number goes (default: the placeholder after "Số:" found on page 1). */
  number?: Placement;
  /** Where the place-and-date line goes (default: the line found on page 1). */
  date?: Placement;
}

export interface IssueOptions {
  /**
   * Tests only: runs right after the number is taken, inside the transaction that reserves it
   * (a failure there rolls the reservation back).
   */
  failAfterNumber?: () => Promise<void>;
  /**
   * Tests only: runs once the reservation has committed and the seal is made, before the
   * issuance's transaction (a failure there gives the number back to the series).
   */
  failAfterSeal?: () => Promise<void>;
}

/** The seal's stamped lines are drawn at 13 pt (Decree 30 Appendix I: 13–14 pt). */
const STAMP_SIZE = 13;

/**
 * "ngày 04 tháng 12 năm 2026": Decree 30 Appendix I writes days below 10 and the months 1 and 2
 * with a leading 0 (so "tháng 02" but "tháng 3").
 */
export function formatIssueDate(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return `ngày ${day} tháng ${month} năm ${y}`;
}

/** The place of the date line from the agency's address: its last part, without "TP."/"Tỉnh". */
export function placeFromAddress(address: string | null | undefined): string | null {
  const last = (address ?? '').split(',').pop()?.trim() ?? '';
  const place = last.replace(/^(?:TP\.|Tp\.|Thành phố|Tỉnh)\s*/u, '').trim();
  return place || null;
}

/**
 * What the seal writes at the number placeholder, told from page 1's text: only the number when
 * the draft already prints "Số: …/QĐ-UBND", the number and symbol after a bare "Số:", and the
 * whole "Số: 15/QĐ-UBND" where the draft prints no "Số:" at all.
 */
export function numberTextFor(page1: string, codeNumber: string, codeNotation: string): string {
  const line = /(?<![\p{L}\d])Số ?:([ \t.…_·]*)(\/?)/u.exec(page1.normalize('NFC'));
  if (!line) return `Số: ${codeNumber}/${codeNotation}`;
  return line[2] === '/' ? codeNumber : `${codeNumber}/${codeNotation}`;
}

/**
 * The symbol the draft prints after "Số: …/" on page 1 ("UBND-NV" of "Số:   /UBND-NV"); null
 * when it prints none (the issue writes the whole symbol then).
 */
export function printedNotation(page1: string): string | null {
  const m = /(?<![\p{L}\d])Số ?:[ \t.…_·\d]*\/\s*([\p{L}\p{N}][\p{L}\p{N}.\-/&]*)/u.exec(
    page1.normalize('NFC'),
  );
  return m ? m[1]! : null;
}

/** Whether a printed symbol is the one given, read as a clerk would: case and spacing aside. */
export const sameNotation = (printed: string, given: string) =>
  printed.normalize('NFC').replace(/\s+/g, '').toLocaleUpperCase('vi') ===
  given.normalize('NFC').replace(/\s+/g, '').toLocaleUpperCase('vi');

/**
 * The symbol the issue will give the document (số và ký hiệu: type, agency, drafting unit), or
 * null when its agency's abbreviations cannot make one (the issue refuses it then).
 */
export async function notationToGive(document: OutgoingDocument): Promise<string | null> {
  const [agency] = await rawSelect<{ abbreviation: string; unitAbbr: string | null }>(
    db(),
    `SELECT a.abbreviation, dp.abbreviation AS unitAbbr
       FROM agencies a LEFT JOIN departments dp ON dp.id = ?
      WHERE a.id = ?`,
    [document.departmentId ?? null, document.agencyId],
  );
  if (!agency) return null;
  try {
    return formatCodeNotation({
      documentType: document.documentType,
      agencyAbbr: agency.abbreviation,
      unitAbbr: agency.unitAbbr ?? undefined,
      normative: document.normative,
      year: Number(todayInVietnam().slice(0, 4)),
    });
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/**
 * A placeholder's rect made wide enough for the text (the stamp refuses text that does not fit,
 * it never shrinks it): the number grows to the right from the placeholder's start, the date line
 * about its centre; both stay inside the page's width.
 */
function fitted(
  placement: Placement,
  text: string,
  style: 'regular' | 'italic',
  pageWidth: number,
  grow: 'right' | 'centre',
): PlacedText {
  const [x, y, w, h] = placement.rect;
  const need = Math.ceil(measureText(style, text) * STAMP_SIZE) + 4;
  if (need <= w) return { text, page: placement.page, rect: placement.rect };
  let left = grow === 'right' ? x : x + w / 2 - need / 2;
  left = Math.max(0, Math.min(left, pageWidth - need));
  const rect: Rect = [left, y, Math.min(need, pageWidth), h];
  return { text, page: placement.page, rect };
}

/**
 * The files an issuance starts from, in one read: the latest main version, the latest
 * leader-signed file (role 'signed', signing that version; 409 OUTGOING_NOT_SIGNED without one)
 * and the attachments, oldest first.
 */
async function issuanceFiles(id: number): Promise<IssuanceFiles> {
  return issuanceFilesOf(await filesWithStored({ kind: 'outgoing', id }, ISSUANCE_FILE_ROLES));
}

const ISSUANCE_FILE_ROLES = ['main', 'signed', 'attachment'] as const;

interface IssuanceFiles {
  main: DocumentFile;
  leader: DocumentFile;
  attachments: DocumentFile[];
}

function issuanceFilesOf(files: DocumentFile[]): IssuanceFiles {
  const main = latestMain(files);
  const leader = main
    ? files.filter((f) => f.role === 'signed' && f.signedFromId === main.id).at(-1)
    : undefined;
  if (!main || !leader?.file) throw new AppError('OUTGOING_NOT_SIGNED', 409);
  return { main, leader, attachments: files.filter((f) => f.role === 'attachment') };
}

/** The latest leader-signed file: role 'signed', signing the latest main version. */
export async function leaderSignedFile(id: number): Promise<DocumentFile> {
  return (await issuanceFiles(id)).leader;
}

interface PreparedIssue {
  key: RegisterKey;
  /** The series' register, when it exists already. */
  registerId?: number;
  agencyName: string;
  codeNotation: string;
  leader: DocumentFile;
  leaderPdf: Buffer;
  pageCount: number;
  attachments: { file: DocumentFile; pdf: Buffer }[];
  number: Placement;
  date: Placement;
  pageWidth: number;
  page1: string;
  place: string;
  seal: SignatureProvider;
  /** The trusted time the seal's signatures carry (timestampsFor), if the agency has one. */
  timestamps: TimestampProvider | undefined;
}

const placementMissing = (field: 'number' | 'date') =>
  new AppError('OUTGOING_PLACEMENT_MISSING', 422, undefined, {
    [field]: `errors:OUTGOING_PLACEMENT_MISSING_${field.toUpperCase()}`,
  });

/** Everything slow or read-only, before the numbering transaction opens. */
async function prepareIssue(
  document: OutgoingDocument,
  placements: IssuePlacements,
): Promise<PreparedIssue> {
  const year = Number(todayInVietnam().slice(0, 4));
  const key: RegisterKey = {
    agencyId: document.agencyId,
    kind: 'outgoing',
    year,
    series: numberSeries({
      documentType: document.documentType,
      confidentiality: document.confidentiality,
      normative: document.normative,
    }),
  };
  // The agency with the drafting department, the files, the seal's credential and the series'
  // register: read together (one round trip on MariaDB).
  const [agencyRows, fileRows, sealRows, registerRows, tsaRows] = await selectTogether(db(), [
    {
      sql: `SELECT a.name, a.abbreviation, a.address, dp.abbreviation AS unitAbbr
         FROM agencies a LEFT JOIN departments dp ON dp.id = ?
        WHERE a.id = ?`,
      params: [document.departmentId ?? null, document.agencyId],
    },
    filesWithStoredSelect({ kind: 'outgoing', id: document.id }, ISSUANCE_FILE_ROLES),
    activeCredentialSelect('seal', document.agencyId),
    registerIdSelect(key),
    activeCredentialSelect('tsa', document.agencyId),
  ]);
  const agency = agencyRows[0] as
    | { name: string; abbreviation: string; address: string | null; unitAbbr: string | null }
    | undefined;
  if (!agency) throw new AppError('OUTGOING_NOT_FOUND', 404);
  let codeNotation: string;
  try {
    codeNotation = formatCodeNotation({
      documentType: document.documentType,
      agencyAbbr: agency.abbreviation,
      unitAbbr: agency.unitAbbr ?? undefined,
      normative: document.normative,
      year,
    });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new AppError('OUTGOING_SYMBOL_INVALID', 409);
  }
  const {
    main: version,
    leader,
    attachments: attachmentRows,
  } = issuanceFilesOf(filesFromRows(fileRows));
  const leaderPdf = await readStoredFile(leader.file!);
  // The version's layout, read when it was stored: the leader's signature moved nothing on it.
  const layout = await layoutOf(version, async () => leaderPdf);
  const found = layout.placements;
  const number = placements.number ?? found.number;
  const date = placements.date ?? found.date;
  if (!number) throw placementMissing('number');
  if (!date) throw placementMissing('date');
  const attachments = await Promise.all(
    attachmentRows.map(async (file) => ({ file, pdf: await readStoredFile(file.file!) })),
  );
  const pageBox = found.pages[number.page - 1]?.box;
  return {
    key,
    registerId: registerRows[0] ? Number(registerRows[0].id) : undefined,
    agencyName: agency.name,
    codeNotation,
    leader,
    leaderPdf,
    pageCount: leader.file!.pageCount ?? 1,
    attachments,
    number,
    date,
    pageWidth: pageBox ? Math.abs(pageBox[2] - pageBox[0]) : 595.28,
    page1: layout.page1,
    place: document.placeName?.trim() || placeFromAddress(agency.address) || agency.name,
    seal: await sealSignerOf(credentialOf(sealRows)),
    timestamps: await timestampsOf(credentialOf(tsaRows)),
  };
}

/**
 * An issued file's name carries its number ("quyet-dinh.signed.pdf" → "quyet-dinh-01-QĐ-UBND.pdf"):
 * downloaded beside the leader's signed copy, it is not taken for it.
 */
const issuedName = (name: string, codeText: string) =>
  `${name.replace(/(\.signed)?\.pdf$/i, '')}-${codeText.replace(/[\s/\\]+/g, '-')}.pdf`;

/** The seal revision of the leader-signed PDF and the attachments' signatures, for one number. */
async function sealFor(
  prepared: PreparedIssue,
  codeNumber: string,
  issueDate: string,
  signingTime: Date,
): Promise<{ sealed: Buffer; attachments: Buffer[] }> {
  const codeText = `${codeNumber}/${prepared.codeNotation}`;
  const numberText = numberTextFor(prepared.page1, codeNumber, prepared.codeNotation);
  const dateText = `${prepared.place}, ${formatIssueDate(issueDate)}`;
  try {
    const sealed = await signPdfWith(prepared.seal, prepared.leaderPdf, {
      signingTime,
      timestamp: prepared.timestamps,
      reason: `Ban hành văn bản số ${codeText}`,
      appearance: {
        kind: 'seal',
        page: prepared.number.page,
        number: fitted(prepared.number, numberText, 'regular', prepared.pageWidth, 'right'),
        date: {
          ...fitted(prepared.date, dateText, 'italic', prepared.pageWidth, 'centre'),
          // The stamped line replaces the draft's blank one, which must not show through.
          cover: true,
        },
        fontSize: STAMP_SIZE,
      },
    });
    const attachments: Buffer[] = [];
    for (const a of prepared.attachments)
      attachments.push(
        await signPdfWith(prepared.seal, a.pdf, {
          signingTime,
          timestamp: prepared.timestamps,
          reason: `Phụ lục văn bản số ${codeText}`,
          appearance: { kind: 'attachment', codeText, signedAt: signingTime },
        }),
      );
    return { sealed, attachments };
  } catch (err) {
    // The engine's and the providers' refusals (a key that does not match, a remote refusal).
    if (err instanceof CodedError)
      throw new AppError('OUTGOING_SEAL_FAILED', 422, undefined, undefined, {
        reason: (err as CodedError<string>).vi,
      });
    throw err;
  }
}

/**
 * Issues a signed outgoing document (policy 'outgoing.issue'): reserves the next number of its
 * series in a short transaction (number-reservations.ts), seals the leader-signed PDF in a new
 * revision writing the number and the place-and-date line and signs each attachment with the
 * agency's text-only signature — outside any lock, so issuances of one series seal in parallel —
 * stores the signed files, then in one transaction claims the number, marks the document issued
 * and dispatches it, with its trail, audit and notifications. A failure after the reservation
 * gives the number back to the series (the next issuance takes it); the unique index
 * (registerId, series, codeNumber) keeps an issued number from reuse.
 */
export async function issueOutgoing(
  id: number,
  placements: IssuePlacements,
  actor: Actor,
  options: IssueOptions = {},
): Promise<OutgoingDocument> {
  return (await issueOutgoingWithAccess(id, placements, actor, options)).document;
}

/**
 * issueOutgoing, answering with the document's access as the issuance's transaction left it
 * (the document issued, its recipients dispatched): the API's answer reads it instead of loading
 * the document again.
 */
export async function issueOutgoingWithAccess(
  id: number,
  placements: IssuePlacements,
  actor: Actor,
  options: IssueOptions = {},
): Promise<OutgoingAccess> {
  const pre = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.issue', pre);
  const prepared = await prepareIssue(pre.document, placements);
  const reservation = await reserveNumber(prepared.key, {
    registerId: prepared.registerId,
    document: { kind: 'outgoing', id },
    inTransaction: async ({ registerId }, transaction) => {
      // The document names its register now: the issuance's transaction then changes no foreign
      // key to the register row, whose shared lock (held to commit) would queue the next
      // reservation of the series behind every issuance in flight.
      await rawWrite(
        db(),
        `UPDATE outgoing_documents SET registerId = ?, updatedAt = ? WHERE id = ? AND status = 'signed'`,
        [registerId, new Date(), id],
        transaction,
      );
      await options.failAfterNumber?.();
    },
  });
  try {
    return await issueReserved(id, prepared, reservation, actor, options);
  } catch (err) {
    await releaseNumber(reservation);
    throw err;
  }
}

async function issueReserved(
  id: number,
  prepared: PreparedIssue,
  reservation: Reservation,
  actor: Actor,
  options: IssueOptions,
): Promise<OutgoingAccess> {
  const { registerId, number, date: today } = reservation;
  const codeNumber = formatCodeNumber(number);
  const codeText = `${codeNumber}/${prepared.codeNotation}`;
  const signingTime = new Date();
  const { sealed, attachments } = await sealFor(prepared, codeNumber, today, signingTime);
  await options.failAfterSeal?.();
  // Stored before the transaction, as a leader's signature is: a file whose row never commits is
  // an orphan the daily sweep removes.
  const stored = await storeProducedPdf(
    sealed,
    issuedName(prepared.leader.originalName, codeText),
    prepared.pageCount,
  );
  const storedAttachments = await Promise.all(
    prepared.attachments.map((a, i) =>
      storeProducedPdf(
        attachments[i],
        issuedName(a.file.originalName, codeText),
        a.file.file!.pageCount ?? 1,
      ),
    ),
  );
  const ref = { kind: 'outgoing' as const, id };
  return runStep(
    outgoingFlow,
    id,
    actor,
    ['signed'],
    undefined,
    async ({ access, transaction, auditStep }) => {
      authorize(actor.user, 'outgoing.issue', access);
      // The latest signed revision, read by the access after the document's lock.
      if (access.latestSignedFileId !== prepared.leader.id)
        throw new AppError('OUTGOING_FILES_CHANGED', 409);
      await claimNumber(reservation, transaction);
      await attachFiles(
        ref,
        [
          {
            fileId: stored.storedFile.id,
            originalName: stored.originalName,
            role: 'signed',
            signedFromId: prepared.leader.id,
          },
          ...storedAttachments.map((s, i) => ({
            fileId: s.storedFile.id,
            originalName: s.originalName,
            role: 'signed' as const,
            signedFromId: prepared.attachments[i].file.id,
          })),
        ],
        transaction,
      );
      const document = access.document;
      // Saved last (below): the update writes the (registerId, series, codeNumber) index, whose
      // foreign key check holds a shared lock on the register row until commit, and the next
      // reservation of the series waits for that lock.
      const issued = {
        status: 'issued' as const,
        registerId,
        series: prepared.key.series ?? '',
        codeNumber: number,
        codeNotation: prepared.codeNotation,
        promulgationDate: today,
        issuedAt: signingTime,
        issuedById: actor.user.id,
      };
      document.set(issued);
      // The trail reads in the order things happened: issued, then sent (one INSERT for both).
      const issueTrail = await auditStep('issue', null, {
        registerId,
        series: prepared.key.series ?? '',
        codeNumber: number,
        codeNotation: prepared.codeNotation,
        attachments: prepared.attachments.length,
      });
      await dispatchIssued(document, actor, transaction, {
        recipients: access.recipients,
        senderName: prepared.agencyName,
        issueTrail,
      });
      const told = new Set(
        [document.createdById, document.signerId].filter(
          (u): u is number => u != null && u !== actor.user.id,
        ),
      );
      await notify(
        [...told].map((userId) => ({
          userId,
          kind: 'outgoing.issued',
          key: 'notify:outgoing.issued',
          params: { code: codeText, subject: document.subject.slice(0, 400) },
          link: `/outgoing/${id}`,
        })),
        { transaction },
      );
      await recordAnswerStep(document, actor.user.id, 'issued', { code: codeText }, transaction);
      // The raw UPDATE skips the model's hooks: the number joins the search text here.
      await updateRow(
        document,
        { ...issued, searchText: outgoingSearchText(document.get({ plain: true })) },
        transaction,
      );
      return access;
    },
  );
}

export interface QueuedIssuance {
  document: OutgoingDocument;
  /** Khẩn, Thượng khẩn, Hỏa tốc: to be issued at once. */
  urgent: boolean;
  /** Signed before the previous working day: past the signing day and the next working day. */
  late: boolean;
}

/**
 * The clerk's issuance queue: signed documents of the clerk's agency within their clearance,
 * urgent ones first, then by signing time; each flagged late when today is past the working day
 * after the signing day (Decree 30: issued on the signing day or the next working day).
 */
export async function issuanceQueue(user: User, now: Date = new Date()): Promise<QueuedIssuance[]> {
  if (!user.hasRole('clerk')) return [];
  const documents = await OutgoingDocument.findAll({
    where: {
      agencyId: user.agencyId,
      status: 'signed',
      confidentiality: { [Op.lte]: user.secretClearance },
    },
    order: [
      ['urgency', 'DESC'],
      ['signedAt', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const today = todayInVietnam(now);
  const signedDays = documents.map((d) => todayInVietnam(d.signedAt ?? d.updatedAt));
  const earliest = signedDays.reduce((a, b) => (a < b ? a : b), today);
  const holidays = await holidaysBetween(earliest, today);
  return documents.map((document, i) => ({
    document,
    urgent: document.urgency > 0,
    late: today > addWorkingDaysWith(signedDays[i], 1, holidays),
  }));
}
