/**
 * The documents of agenda items: uploaded PDFs (checked by content off the event loop, as the
 * incoming flow does for hostile files) or links to incoming/outgoing documents the organiser
 * may see (linked, never copied); opening one (audited, the linked document's own log too);
 * each person's private notes and highlights on them; questions on an item before the meeting.
 */
import type { ReadStream } from 'node:fs';
import type { Transaction } from 'sequelize';
import { recordAudit } from '../audit/audit.service.js';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import {
  checkUpload,
  openStoredFile,
  saveCheckedUpload,
  type StoredUpload,
} from '../files/file-storage.service.js';
import { DocumentFile, StoredFile } from '../files/file.model.js';
import { AppError, unprocessable } from '../http/app-error.js';
import { loadIncomingAccess } from '../incoming/incoming.access.js';
import { loadOutgoingAccess } from '../outgoing/outgoing.access.js';
import { authorize, can } from '../policy/index.js';
import type { User } from '../users/user.model.js';
import { linkedConfidentiality } from './linked-documents.js';
import { MeetingItemDocument, type MeetingItem } from './meeting.model.js';
import { requireMeetingAccess, type MeetingAccess } from './meetings.access.js';
import { MeetingNote, MeetingQuestion } from './meetings.prepare.model.js';
import { notifyMeeting } from './meetings.prepare.notify.js';
import type { LinkDocumentInput, NoteInput } from './meetings.prepare.schemas.js';
import {
  agendaChanged,
  auditMeeting,
  itemOf,
  manageableMeeting,
  type MeetingActor,
} from './meetings.prepare.service.js';

/** The item a document may be added to: of this meeting, not withdrawn. */
async function openItem(meetingId: number, itemId: number, transaction: Transaction) {
  const item = await itemOf(meetingId, itemId, transaction);
  if (item.status === 'withdrawn') throw new AppError('MEETING_ITEM_WITHDRAWN', 409);
  return item;
}

const titleOf = (name: string) => name.replace(/\.pdf$/i, '').slice(0, 500) || 'Tài liệu';

/**
 * Adds uploaded PDFs to an item. Who may and which item are checked before any file is parsed;
 * the files are checked and stored outside the transaction, then linked in one.
 */
export async function addUploadedDocuments(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  files: { buffer: Buffer; originalName: string }[],
  { title, maxBytes }: { title?: string; maxBytes?: number },
): Promise<MeetingItemDocument[]> {
  const access = await requireMeetingAccess(actor.user, meetingId);
  authorize(actor.user, 'meetings.manage', access);
  await itemOf(meetingId, itemId);
  if (files.length === 0) throw unprocessable({ files: 'errors:MEETING_FILE_REQUIRED' });
  const stored: StoredUpload[] = [];
  for (const file of files) {
    const checked = await checkUpload(file.buffer, file.originalName, {
      maxBytes,
      signatures: false,
    });
    stored.push(await saveCheckedUpload(checked));
  }
  return withTransaction(db(), undefined, async (transaction) => {
    const locked = await manageableMeeting(actor, meetingId, transaction);
    await openItem(meetingId, itemId, transaction);
    const rows = await MeetingItemDocument.bulkCreate(
      stored.map((s) => ({
        meetingId,
        itemId,
        title: title && stored.length === 1 ? title : titleOf(s.originalName),
        fileId: s.storedFile.id,
        originalName: s.originalName,
        linkedKind: null,
        linkedId: null,
        addedById: actor.user.id,
      })),
      { transaction },
    );
    await auditMeeting(
      actor,
      'meeting.document.add',
      meetingId,
      {
        itemId,
        files: stored.map((s) => ({ name: s.originalName, sha256: s.storedFile.sha256 })),
      },
      transaction,
    );
    await agendaChanged(locked, actor, transaction, { itemId, change: 'documents' });
    return rows;
  });
}

/** The subject and độ mật of an incoming or outgoing document the person may see, or null. */
async function visibleLink(
  user: User,
  input: LinkDocumentInput,
  transaction: Transaction,
): Promise<{ subject: string; confidentiality: number } | null> {
  if (input.linkedKind === 'incoming') {
    const a = await loadIncomingAccess(user, input.linkedId, transaction);
    return a && can(user, 'incoming.view', a) ? a.document : null;
  }
  const a = await loadOutgoingAccess(user, input.linkedId, transaction);
  return a && can(user, 'outgoing.view', a) ? a.document : null;
}

/** Links an incoming or outgoing document the organiser may see to an item (not a copy). */
export async function linkDocument(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  input: LinkDocumentInput,
): Promise<MeetingItemDocument> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const item = await openItem(meetingId, itemId, transaction);
    const linked = await visibleLink(actor.user, input, transaction);
    if (linked == null) throw unprocessable({ linkedId: 'errors:MEETING_LINK_NOT_VISIBLE' });
    // The item's readers are those cleared for its level: a more secret document stays out.
    if (linked.confidentiality > item.confidentiality)
      throw unprocessable({ linkedId: 'errors:MEETING_LINK_TOO_SECRET' });
    const subject = linked.subject;
    const duplicate = await MeetingItemDocument.findOne({
      where: { itemId, linkedKind: input.linkedKind, linkedId: input.linkedId },
      transaction,
    });
    if (duplicate) throw unprocessable({ linkedId: 'errors:MEETING_LINK_DUPLICATE' });
    const row = await MeetingItemDocument.create(
      {
        meetingId,
        itemId,
        title: (input.title ?? subject).slice(0, 500),
        fileId: null,
        originalName: null,
        linkedKind: input.linkedKind,
        linkedId: input.linkedId,
        addedById: actor.user.id,
      },
      { transaction },
    );
    await auditMeeting(
      actor,
      'meeting.document.link',
      meetingId,
      { itemId, documentId: row.id, linkedKind: input.linkedKind, linkedId: input.linkedId },
      transaction,
    );
    await agendaChanged(access, actor, transaction, { itemId, change: 'documents' });
    return row;
  });
}

/** Takes a document off its item (with everyone's notes on it). */
export async function removeDocument(
  actor: MeetingActor,
  meetingId: number,
  documentId: number,
): Promise<void> {
  await withTransaction(db(), undefined, async (transaction) => {
    const access = await manageableMeeting(actor, meetingId, transaction);
    const doc = await MeetingItemDocument.findOne({
      where: { id: documentId, meetingId },
      transaction,
    });
    if (!doc) throw new AppError('MEETING_DOCUMENT_NOT_FOUND', 404);
    await MeetingNote.destroy({ where: { itemDocumentId: doc.id }, transaction });
    await doc.destroy({ transaction });
    await auditMeeting(
      actor,
      'meeting.document.remove',
      meetingId,
      { itemId: doc.itemId, documentId, title: doc.title },
      transaction,
    );
    await agendaChanged(access, actor, transaction, { itemId: doc.itemId, change: 'documents' });
  });
}

export interface VisibleDocument {
  access: MeetingAccess;
  item: MeetingItem;
  doc: MeetingItemDocument;
}

/**
 * A document of the meeting the person may open: they see the meeting and are cleared for the
 * item (meetings.item.view); 404 otherwise, whether or not it exists.
 */
export async function visibleDocument(
  user: User,
  meetingId: number,
  documentId: number,
): Promise<VisibleDocument> {
  const access = await requireMeetingAccess(user, meetingId);
  const doc = Number.isSafeInteger(documentId)
    ? await MeetingItemDocument.findOne({ where: { id: documentId, meetingId } })
    : null;
  const item = doc ? await itemOf(meetingId, doc.itemId).catch(() => null) : null;
  if (!doc || !item || !can(user, 'meetings.item.view', { access, item }))
    throw new AppError('MEETING_DOCUMENT_NOT_FOUND', 404);
  // A linked document keeps its own độ mật (it may have been raised since it was linked).
  if (
    doc.linkedKind &&
    doc.linkedId &&
    (await linkedConfidentiality(doc.linkedKind, doc.linkedId)) > user.secretClearance
  )
    throw new AppError('MEETING_DOCUMENT_NOT_FOUND', 404);
  return { access, item, doc };
}

/** The document's viewer page: the document, and the person's own notes (audited as a view). */
export async function openDocumentPage(
  actor: MeetingActor,
  meetingId: number,
  documentId: number,
): Promise<VisibleDocument & { notes: MeetingNote[] }> {
  const visible = await visibleDocument(actor.user, meetingId, documentId);
  const notes = await myNotes(actor.user, documentId);
  await auditMeeting(actor, 'meeting.document.view', meetingId, {
    documentId,
    itemId: visible.item.id,
    linkedKind: visible.doc.linkedKind,
    linkedId: visible.doc.linkedId,
  });
  return { ...visible, notes };
}

/** The stored PDF behind a document: its upload, or the linked document's latest PDF. */
async function storedFileOf(doc: MeetingItemDocument): Promise<StoredFile | null> {
  if (doc.fileId) return StoredFile.findByPk(doc.fileId);
  if (!doc.linkedKind || !doc.linkedId) return null;
  const file = await DocumentFile.findOne({
    where: { documentKind: doc.linkedKind, documentId: doc.linkedId, role: ['main', 'signed'] },
    include: [{ model: StoredFile, as: 'file' }],
    order: [['id', 'DESC']],
  });
  return file?.file ?? null;
}

/**
 * The PDF's bytes for a person who may open the document, recorded before any byte leaves; a
 * linked document's access is also written to its own log (through the meeting).
 */
export async function openDocumentFile(
  actor: MeetingActor,
  meetingId: number,
  documentId: number,
): Promise<{ doc: MeetingItemDocument; storedFile: StoredFile; stream: ReadStream }> {
  const { doc, item } = await visibleDocument(actor.user, meetingId, documentId);
  const storedFile = await storedFileOf(doc);
  if (!storedFile) throw new AppError('FILE_NOT_FOUND', 404);
  const stream = await openStoredFile(storedFile);
  await auditMeeting(actor, 'meeting.document.download', meetingId, {
    documentId,
    itemId: item.id,
    sha256: storedFile.sha256,
    linkedKind: doc.linkedKind,
    linkedId: doc.linkedId,
  });
  if (doc.linkedKind && doc.linkedId)
    await recordAudit({
      action: `${doc.linkedKind}.download`,
      userId: actor.user.id,
      ip: actor.ip,
      entityType: doc.linkedKind,
      entityId: doc.linkedId,
      details: {
        viaMeetingId: meetingId,
        meetingDocumentId: documentId,
        sha256: storedFile.sha256,
      },
    });
  return { doc, storedFile, stream };
}

/** The person's own notes and highlights on a document, by page: never anyone else's. */
export function myNotes(user: User, documentId: number): Promise<MeetingNote[]> {
  return MeetingNote.findAll({
    where: { itemDocumentId: documentId, userId: user.id },
    order: [
      ['page', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}

/** Keeps a private note or highlight on a page of a document the person may open. */
export async function addNote(
  actor: MeetingActor,
  meetingId: number,
  documentId: number,
  input: NoteInput,
): Promise<MeetingNote> {
  const { access } = await visibleDocument(actor.user, meetingId, documentId);
  authorize(actor.user, 'meetings.annotate', access);
  return withTransaction(db(), undefined, async (transaction) => {
    const note = await MeetingNote.create(
      {
        meetingId,
        itemDocumentId: documentId,
        userId: actor.user.id,
        page: input.page,
        kind: input.kind,
        rect: input.rect ? JSON.stringify(input.rect) : null,
        text: input.text ?? null,
      },
      { transaction },
    );
    // The note is private: the log keeps that one was made, not what it says.
    await auditMeeting(
      actor,
      'meeting.note.add',
      meetingId,
      { noteId: note.id, documentId, page: input.page, kind: input.kind },
      transaction,
    );
    return note;
  });
}

/** Deletes one of the person's own notes (anyone else's is not found). */
export async function deleteNote(
  actor: MeetingActor,
  meetingId: number,
  noteId: number,
): Promise<void> {
  await requireMeetingAccess(actor.user, meetingId);
  await withTransaction(db(), undefined, async (transaction) => {
    const note = Number.isSafeInteger(noteId)
      ? await MeetingNote.findOne({
          where: { id: noteId, meetingId, userId: actor.user.id },
          transaction,
        })
      : null;
    if (!note) throw new AppError('MEETING_NOTE_NOT_FOUND', 404);
    await note.destroy({ transaction });
    await auditMeeting(actor, 'meeting.note.delete', meetingId, { noteId }, transaction);
  });
}

/**
 * Asks a question on an item before the meeting (draft or published): the organisers and the
 * item's presenter see it, and are told; the asker sees their own.
 */
export async function askQuestion(
  actor: MeetingActor,
  meetingId: number,
  itemId: number,
  text: string,
): Promise<MeetingQuestion> {
  return withTransaction(db(), undefined, async (transaction) => {
    const access = await requireMeetingAccess(actor.user, meetingId, transaction);
    authorize(actor.user, 'meetings.annotate', access);
    const item = await itemOf(meetingId, itemId, transaction);
    if (!can(actor.user, 'meetings.item.view', { access, item }))
      throw new AppError('MEETING_ITEM_NOT_FOUND', 404);
    if (!['draft', 'published'].includes(access.meeting.status) || item.status === 'withdrawn')
      throw new AppError('MEETING_QUESTIONS_CLOSED', 409);
    const question = await MeetingQuestion.create(
      { meetingId, itemId, userId: actor.user.id, text },
      { transaction },
    );
    const { meeting } = access;
    await notifyMeeting(
      [meeting.organiserId, meeting.secretaryId, ...(item.presenterId ? [item.presenterId] : [])],
      'question',
      meeting,
      actor.user.id,
      transaction,
      { name: actor.user.fullName, item: item.title.slice(0, 120) },
    );
    await auditMeeting(
      actor,
      'meeting.question.ask',
      meetingId,
      { questionId: question.id, itemId, length: text.length },
      transaction,
    );
    return question;
  });
}

/**
 * The questions a person may read: every question for the organisers, those on the items they
 * present for a presenter, and their own for everyone else.
 */
export async function readableQuestions(
  user: User,
  access: MeetingAccess,
  items: readonly MeetingItem[],
): Promise<MeetingQuestion[]> {
  const all = await MeetingQuestion.findAll({
    where: { meetingId: access.meeting.id },
    include: [{ association: 'asker', attributes: ['id', 'fullName', 'positionTitle'] }],
    order: [['id', 'ASC']],
  });
  const readsAll = new Set(
    items.filter((item) => can(user, 'meetings.questions.read', { access, item })).map((i) => i.id),
  );
  return all.filter((q) => q.userId === user.id || readsAll.has(q.itemId));
}
