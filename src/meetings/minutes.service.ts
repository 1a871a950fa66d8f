/**
 * The minutes of a meeting (biên bản, issue 13 §4):
 *   saveMinutes(id, { body, version }, actor)    the secretary's text, refused (409) when based
 *                                                 on an older version than the saved one
 *   submitMinutes(id, { version }, actor)        the PDF made, the chain secretary → chair started
 *   signMinutes(id, { pin }, actor)              the person whose turn it is signs the PDF
 *   returnMinutes(id, { reason }, actor)         the chair sends it back instead of signing
 * Each change commits with its trail event and audit row; PDF rendering and signing happen
 * before the transaction, which checks again that nothing moved meanwhile.
 */
import type { Transaction } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { actOnApproval, resubmitApproval, startApproval } from '../approvals/approvals.service.js';
import { registerApprovalDocumentKind } from '../approvals/approvals.registry.js';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { signDocumentPdf } from '../documents/sign-document.js';
import { addTrailEvent } from '../documents/trail.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { readStoredFile, storeProducedPdf } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import { signatureMarkPng } from '../outgoing/signature-mark.js';
import { can } from '../policy/index.js';
import { signerFor, timestampsFor } from '../signing-keys/index.js';
import { Meeting } from './meeting.model.js';
import {
  MeetingMinutes,
  MINUTES_FILE_KIND,
  type MinutesSignaturePlaces,
} from './meeting-minutes.model.js';
import { checkVersion, loadMinutesAccess, MINUTES_KIND, requireMinutes } from './minutes.access.js';
import { placeOf, renderMinutesPdf } from './minutes-pdf.js';
import { loadMinutesRecord } from './minutes-record.js';
import { blanksIn, minutesSkeleton, withClosingTime } from './minutes-skeleton.js';
import { MeetingConclusion } from './meeting-minutes.model.js';
import { MINUTES_STEP_TITLES } from '../approvals/step-titles.js';

const MARK = signatureMarkPng();

registerApprovalDocumentKind(MINUTES_KIND, {
  async canView(user, id) {
    const r = await loadMinutesAccess(user, id);
    return r != null && can(user, 'meetings.minutes.view', r);
  },
  pathOf: (id) => `/meetings/${id}/minutes`,
  async titleOf(id, transaction) {
    const meeting = await Meeting.findByPk(id, { attributes: ['title'], transaction });
    return meeting ? `Biên bản: ${meeting.title}` : null;
  },
  // The chair's signature approves the chain: the minutes are signed.
  async onApproved(id, transaction) {
    await MeetingMinutes.update(
      { status: 'signed', signedAt: new Date() },
      { where: { meetingId: id }, transaction },
    );
  },
  decidesBySigning: true,
  // Sent again by submitMinutes, which renders the text saved since the return into a new PDF.
  resubmitsOnItsPage: true,
});

/** Writes the minutes' trail event (on the meeting) and audit row in the transaction. */
async function recordMinutes(
  meetingId: number,
  actor: Actor,
  action: string,
  data: Record<string, unknown>,
  transaction: Transaction,
  note?: string,
): Promise<void> {
  await addTrailEvent(
    { kind: 'meeting', documentId: meetingId, actorId: actor.user.id, action, note, data },
    { transaction },
  );
  await recordAudit(
    {
      action: `meeting.${action}`,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: 'meeting',
      entityId: meetingId,
      details: { ...data, note },
    },
    { transaction },
  );
}

/** The conclusions' texts in order. */
export async function conclusionTexts(meetingId: number, transaction?: Transaction) {
  const rows = await MeetingConclusion.findAll({
    where: { meetingId },
    order: [['position', 'ASC']],
    transaction,
  });
  return rows.map((r) => r.text);
}

/** The skeleton of the minutes made from the meeting's record now. */
export async function skeletonOf(meeting: Meeting): Promise<string> {
  return minutesSkeleton(await loadMinutesRecord(meeting), await conclusionTexts(meeting.id));
}

export async function saveMinutes(
  meetingId: number,
  input: { body: string; version: number },
  actor: Actor,
): Promise<MeetingMinutes> {
  return withTransaction(db(), undefined, async (transaction) => {
    const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.edit', transaction);
    checkVersion(r.minutes, input.version);
    const body = withClosingTime(input.body, r.access.meeting.closedAt);
    const fields = { body, status: 'draft' as const, updatedById: actor.user.id };
    const minutes = r.minutes
      ? await r.minutes.update({ ...fields, version: r.minutes.version + 1 }, { transaction })
      : await MeetingMinutes.create({ meetingId, ...fields, version: 1 }, { transaction });
    await recordMinutes(
      meetingId,
      actor,
      'minutes.save',
      { version: minutes.version, chars: body.length },
      transaction,
    );
    return minutes;
  });
}

/** The minutes rendered as a PDF from a text (the saved one, or the skeleton). */
export async function renderMinutes(meeting: Meeting, body: string) {
  const record = await loadMinutesRecord(meeting);
  const agency = await Agency.findByPk(meeting.agencyId);
  return renderMinutesPdf(record, body, {
    abbreviation: agency?.abbreviation ?? '',
    place: placeOf(agency?.address, agency?.name ?? ''),
  });
}

/** The minutes' PDF as it stands: the stored (signed) one once submitted, else made now. */
export async function minutesPdf(meetingId: number, actor: Actor): Promise<Buffer> {
  const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.view');
  const stored = r.minutes?.fileId && r.minutes.status !== 'draft';
  const bytes = stored
    ? await readStoredFile((await StoredFile.findByPk(r.minutes!.fileId!))!)
    : (
        await renderMinutes(
          r.access.meeting,
          r.minutes
            ? withClosingTime(r.minutes.body, r.access.meeting.closedAt)
            : await skeletonOf(r.access.meeting),
        )
      ).bytes;
  await recordAudit({
    action: 'meeting.minutes.download',
    userId: actor.user.id,
    ip: actor.ip,
    entityType: 'meeting',
    entityId: meetingId,
    details: { status: r.minutes?.status ?? 'none', version: r.minutes?.version ?? 0 },
  });
  return bytes;
}

/** Refuses (422) minutes that still have blanks "...", naming where. */
function refuseBlanks(body: string): void {
  const blanks = blanksIn(body);
  if (blanks.length === 0) return;
  const first = blanks[0]!;
  throw new AppError('MINUTES_BLANKS', 422, undefined, undefined, {
    count: blanks.length,
    lines: blanks
      .slice(0, 10)
      .map((b) => b.line)
      .join(', '),
    line: first.line,
    text: first.text.length > 80 ? `${first.text.slice(0, 79)}…` : first.text,
  });
}

async function latestMain(minutesId: number, transaction: Transaction) {
  return DocumentFile.findOne({
    where: { documentKind: MINUTES_FILE_KIND, documentId: minutesId, role: 'main' },
    order: [['version', 'DESC']],
    transaction,
  });
}

/** Makes the PDF of the saved text and starts the signatures: the secretary's, then the chair's. */
export async function submitMinutes(
  meetingId: number,
  input: { version: number },
  actor: Actor,
): Promise<MeetingMinutes> {
  const pre = await requireMinutes(actor.user, meetingId, 'meetings.minutes.submit');
  checkVersion(pre.minutes, input.version);
  // The closing time is known (a draft begun while the meeting ran gets it); any other blank
  // "..." left is the secretary's to fill: minutes are not signed with gaps in them.
  const body = withClosingTime(pre.minutes!.body, pre.access.meeting.closedAt);
  refuseBlanks(body);
  const rendered = await renderMinutes(pre.access.meeting, body);
  const stored = await storeProducedPdf(rendered.bytes, 'bien-ban.pdf', rendered.pageCount);
  return withTransaction(db(), undefined, async (transaction) => {
    const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.submit', transaction);
    checkVersion(r.minutes, input.version);
    const minutes = r.minutes!;
    const { meeting } = r.access;
    const previous = await latestMain(minutes.id, transaction);
    const main = await DocumentFile.create(
      {
        documentKind: MINUTES_FILE_KIND,
        documentId: minutes.id,
        fileId: stored.storedFile.id,
        originalName: stored.originalName,
        role: 'main',
        version: (previous?.version ?? 0) + 1,
      },
      { transaction },
    );
    await minutes.update(
      {
        body,
        status: 'in_approval',
        fileId: stored.storedFile.id,
        signaturePlaces: JSON.stringify(rendered.places),
        submittedAt: new Date(),
      },
      { transaction },
    );
    const flow = r.flow;
    if (flow?.status === 'returned' && flow.drafterId === actor.user.id) {
      await resubmitApproval(flow.id, actor, main.version, { transaction });
    } else {
      // A chain returned to another organiser ends here; the new one starts from the secretary.
      if (flow?.status === 'returned') await flow.update({ status: 'withdrawn' }, { transaction });
      const steps = [
        {
          title: MINUTES_STEP_TITLES.secretary,
          members: [{ userId: meeting.secretaryId }],
          days: 2,
        },
        { title: MINUTES_STEP_TITLES.chair, members: [{ userId: meeting.chairId }], days: 2 },
      ];
      await startApproval({ kind: MINUTES_KIND, id: meetingId }, { steps }, actor, {
        transaction,
        version: main.version,
        includeDrafter: true,
      });
    }
    await recordMinutes(
      meetingId,
      actor,
      'minutes.submit',
      { version: minutes.version, file: main.version },
      transaction,
    );
    return minutes;
  });
}

/**
 * The person whose turn it is signs the current PDF in their block's gap (the secretary's on the
 * left, the chair's on the right) with their own provider; the signed revision becomes the
 * current PDF and their approval in the chain, in one transaction.
 */
export async function signMinutes(
  meetingId: number,
  input: { pin?: string },
  actor: Actor,
): Promise<MeetingMinutes> {
  const pre = await requireMinutes(actor.user, meetingId, 'meetings.minutes.sign');
  const minutes = pre.minutes!;
  const as = pre.signsAs!;
  const provider = await signerFor(actor.user, { pin: input.pin, ip: actor.ip });
  const file = await StoredFile.findByPk(minutes.fileId!);
  if (!file) throw new AppError('FILE_MISSING', 404);
  const places = JSON.parse(minutes.signaturePlaces ?? 'null') as MinutesSignaturePlaces | null;
  if (!places) throw new AppError('MINUTES_NO_PDF', 409);
  const place = places[as];
  const signed = await signDocumentPdf(
    provider,
    await readStoredFile(file),
    {
      appearance: {
        kind: 'leader',
        page: place.page,
        rect: place.rect,
        image: MARK,
        imageOnly: true,
      },
      reason: MINUTES_STEP_TITLES[as === 'chair' ? 'chair' : 'secretary'],
      signingTime: new Date(),
      timestamp: await timestampsFor(pre.access.meeting.agencyId),
      description: `Biên bản: ${pre.access.meeting.title}`.slice(0, 200),
    },
    'MINUTES_SIGN_FAILED',
  );
  const stored = await storeProducedPdf(signed, 'bien-ban.signed.pdf', file.pageCount ?? 0);
  return withTransaction(db(), undefined, async (transaction) => {
    const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.sign', transaction);
    // Another signature or a new PDF came first: what was signed is not the minutes now.
    if (r.minutes!.fileId !== minutes.fileId || r.signsAs !== as)
      throw new AppError('MINUTES_CHANGED', 409);
    const main = await latestMain(minutes.id, transaction);
    await DocumentFile.create(
      {
        documentKind: MINUTES_FILE_KIND,
        documentId: minutes.id,
        fileId: stored.storedFile.id,
        originalName: stored.originalName,
        role: 'signed',
        version: 1,
        signedFromId: main?.id ?? null,
      },
      { transaction },
    );
    await r.minutes!.update({ fileId: stored.storedFile.id }, { transaction });
    await actOnApproval(
      r.flow!.id,
      actor,
      { action: 'approve', version: main?.version },
      { transaction, bySigning: true },
    );
    await recordMinutes(
      meetingId,
      actor,
      'minutes.sign',
      { as, provider: provider.kind },
      transaction,
    );
    return r.minutes!.reload({ transaction });
  });
}

/** The chair sends the minutes back to the secretary with a reason instead of signing. */
export async function returnMinutes(
  meetingId: number,
  input: { reason: string },
  actor: Actor,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const r = await requireMinutes(actor.user, meetingId, 'meetings.minutes.return', transaction);
    await actOnApproval(
      r.flow!.id,
      actor,
      { action: 'return', comment: input.reason, toPosition: 0 },
      { transaction },
    );
    await r.minutes!.update({ status: 'draft' }, { transaction });
    await recordMinutes(meetingId, actor, 'minutes.return', {}, transaction, input.reason);
  });
}
