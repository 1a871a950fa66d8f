/**
 * The leader's signature on an outgoing document (issue 12 §3), the signed PDF being a new
 * revision of the latest main version (file role 'signed'):
 *   signOutgoing(id, { pin, placement? }, actor)          server-held key (PIN) or remote CSC
 *   signOutgoingBatch(ids, { pin }, actor) → results        one PIN entry for several documents
 *   signingPreview(id, actor) → { file, placements }        what the sign page shows
 * The two-phase token flow is in outgoing.token-sessions.ts.
 */
import type { Transaction } from 'sequelize';
import { Agency } from '../agencies/agency.model.js';
import { updateRow } from '../db/raw-write.js';
import {
  attachFiles,
  filesWithStored,
  filesWithStoredOf,
  latestMain,
} from '../documents/document-files.js';
import { signDocumentPdf } from '../documents/sign-document.js';
import { runStep } from '../documents/step-runner.js';
import type { Placement, Placements } from '../drafting/placement.js';
import type { DocumentFile } from '../files/file.model.js';
import { readStoredFile, storeProducedPdf } from '../files/file-storage.service.js';
import { AppError } from '../http/app-error.js';
import type { Actor } from '../http/request-context.js';
import type { MessageParams } from '../notifications/notification-text.js';
import { notify } from '../notifications/notification.service.js';
import { authorize, can } from '../policy/index.js';
import { signerFor, timestampsFor } from '../signing-keys/index.js';
import type { SignatureProvider } from '../signing-providers/index.js';
import type { Appearance } from '../signing/types.js';
import { delegationFor } from '../users/delegations.service.js';
import { User } from '../users/user.model.js';
import { clerkIdsOf } from './deliveries.common.js';
import {
  loadOutgoingAccesses,
  requireVisibleOutgoing,
  type OutgoingAccess,
} from './outgoing.access.js';
import { outgoingFlow } from './outgoing.drafts.js';
import type { OutgoingDocument } from './outgoing.model.js';
import { signatureMarkPng } from './signature-mark.js';
import { signerBlock } from './signer-block.js';
import { layoutOf } from './version-layout.js';

const MARK = signatureMarkPng();

export interface SignInput {
  pin?: string;
  /** Where the signature goes; default: the signature block found in the text, else the end. */
  placement?: Placement;
}

/** The main version to sign with its bytes, and where its signature goes by default. */
export async function signingPreview(
  id: number,
  actor: Actor,
): Promise<{ access: OutgoingAccess; main: DocumentFile; placements: Placements }> {
  const access = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.sign', access);
  const main = await mainWithFile(id);
  const { placements } = await layoutOf(main, () => readStoredFile(main.file!));
  return { access, main, placements };
}

export async function mainWithFile(id: number, transaction?: Transaction): Promise<DocumentFile> {
  return mainOf(await filesWithStored({ kind: 'outgoing', id }, ['main'], transaction));
}

/** The latest main version among a document's main files, with its stored file. */
function mainOf(files: DocumentFile[]): DocumentFile {
  const main = latestMain(files);
  if (!main) throw new AppError('OUTGOING_NO_MAIN_FILE', 409);
  if (!main.file) throw new AppError('FILE_MISSING', 404);
  return main;
}

/**
 * The leader's visible signature: a signature mark in the gap of the block the draft prints
 * (title above, name below), or the whole Decree 30 block by signing form (signer-block.ts) where
 * the draft has none, naming the person who signs: under a delegation, the delegate with their own
 * title, under the delegation's form.
 */
async function leaderAppearance(
  access: OutgoingAccess,
  signer: User,
  placement: Placement,
  printedBlock: boolean,
): Promise<Appearance> {
  const mark = { kind: 'leader' as const, page: placement.page, rect: placement.rect, image: MARK };
  if (printedBlock) return { ...mark, imageOnly: true };
  const doc = access.document;
  const [agency, delegation, principal] = await Promise.all([
    doc.signingForm === 'TM' && !doc.authorityName ? Agency.findByPk(doc.agencyId) : null,
    access.signsByDelegation ? delegationFor(signer.id, doc.signerId!, 'outgoing.sign') : null,
    access.signsByDelegation ? User.findByPk(doc.signerId!) : null,
  ]);
  const block = signerBlock({
    form: doc.signingForm,
    authorityName: doc.authorityName || agency?.name || '',
    principalTitle: doc.principalTitle,
    // A delegate's own title, never the one the draft gives its intended signer.
    signerTitle: delegation
      ? signer.positionTitle || ''
      : doc.signerTitle || signer.positionTitle || 'Người ký',
    delegation: delegation
      ? {
          form: delegation.form,
          principalTitle: doc.signerTitle || principal?.positionTitle || '',
        }
      : undefined,
  });
  return { ...mark, ...block, name: signer.fullName };
}

/**
 * The leader's appearance where the signer put it (default: the block found): a draft that prints
 * its signer block (title, blank lines, name) gets only the mark, also where the signer posts the
 * box (the sign page always posts it, moved or not); any other gets the whole block.
 */
export function leaderAppearanceAt(
  access: OutgoingAccess,
  signer: User,
  found: Placements,
  placement: Placement | undefined,
): Promise<Appearance> {
  return leaderAppearance(
    access,
    signer,
    placement ?? found.signer,
    found.signer.source === 'block',
  );
}

/** Signs one document with an opened provider; the transaction re-checks everything first. */
async function signWith(
  pre: OutgoingAccess,
  provider: SignatureProvider,
  placement: Placement | undefined,
  actor: Actor,
  /** The document's main files when the caller read them (a batch reads all at once). */
  mainFiles?: DocumentFile[],
): Promise<void> {
  const id = pre.document.id;
  const main = mainFiles ? mainOf(mainFiles) : await mainWithFile(id);
  const bytes = await readStoredFile(main.file!);
  const found = (await layoutOf(main, async () => bytes)).placements;
  const appearance = await leaderAppearanceAt(pre, actor.user, found, placement);
  const signed = await signDocumentPdf(
    provider,
    bytes,
    {
      appearance,
      reason: 'Ký ban hành',
      signingTime: new Date(),
      timestamp: await timestampsFor(pre.document.agencyId),
      description: pre.document.subject.slice(0, 200),
    },
    'OUTGOING_SIGN_FAILED',
  );
  await commitSignature(id, main, signed, provider.kind, actor);
}

/**
 * Stores a signed revision of the main version and moves the document to 'signed', in one
 * transaction that checks again that the signer may sign and that the version is still current.
 */
export async function commitSignature(
  id: number,
  main: DocumentFile,
  signed: Buffer,
  providerKind: string,
  actor: Actor,
): Promise<void> {
  const name = main.originalName.replace(/\.pdf$/i, '') + '.signed.pdf';
  const stored = await storeProducedPdf(signed, name, main.file?.pageCount ?? 0);
  await runStep(
    outgoingFlow,
    id,
    actor,
    null,
    undefined,
    async ({ access, transaction, record }) => {
      authorize(actor.user, 'outgoing.sign', access);
      // A version uploaded while the signer was signing: what they signed is not the draft now
      // (the access read the latest version after the document's lock).
      if (access.latestMainFileId !== main.id) throw new AppError('OUTGOING_VERSION_CHANGED', 409);
      await attachFiles(
        { kind: 'outgoing', id },
        [
          {
            fileId: stored.storedFile.id,
            originalName: name,
            role: 'signed',
            signedFromId: main.id,
          },
        ],
        transaction,
      );
      const doc = access.document;
      await updateRow(doc, { status: 'signed', signedAt: new Date() }, transaction);
      await record('sign', null, {
        version: main.version,
        provider: providerKind,
        onBehalfOf: access.signsByDelegation ? doc.signerId : null,
      });
      await askClerks(doc, transaction);
    },
  );
}

/** The clerks are told a signed document waits for issuance; urgent ones say so at once. */
async function askClerks(doc: OutgoingDocument, transaction: Transaction): Promise<void> {
  const clerks = (await clerkIdsOf([doc.agencyId], transaction)).get(doc.agencyId) ?? [];
  const urgent: MessageParams = doc.urgency > 0 ? { _prefix: { key: 'notify:urgentMark' } } : {};
  await notify(
    clerks
      .map((userId) => ({
        userId,
        kind: doc.urgency > 0 ? 'outgoing.to_issue_urgent' : 'outgoing.to_issue',
        key: 'notify:outgoing.toIssue',
        params: { ...urgent, subject: doc.subject.slice(0, 200) },
        link: `/outgoing/${doc.id}`,
      }))
      .concat([
        {
          userId: doc.createdById,
          kind: 'outgoing.signed',
          key: 'notify:outgoing.signed',
          params: { subject: doc.subject.slice(0, 200) },
          link: `/outgoing/${doc.id}`,
        },
      ]),
    { transaction },
  );
}

/** Signs with the signer's own provider (the PIN checked and counted by signing-keys). */
export async function signOutgoing(id: number, input: SignInput, actor: Actor): Promise<void> {
  const pre = await requireVisibleOutgoing(actor.user, id);
  authorize(actor.user, 'outgoing.sign', pre);
  const provider = await signerFor(actor.user, { pin: input.pin, ip: actor.ip });
  await signWith(pre, provider, input.placement, actor);
}

export interface BatchResult {
  id: number;
  ok: boolean;
  code?: string;
}

/**
 * Signs several waiting documents with one PIN entry: the PIN opens the key once, then each
 * document is signed at its default place in its own transaction; one that fails (moved on,
 * changed) does not stop the others.
 */
export async function signOutgoingBatch(
  ids: number[],
  input: { pin?: string },
  actor: Actor,
): Promise<BatchResult[]> {
  if (ids.length === 0 || ids.length > 50)
    throw new AppError('VALIDATION_FAILED', 422, undefined, { ids: 'errors:OUTGOING_BATCH_SIZE' });
  // The policy for each before the PIN is tried: a PIN is never checked for nothing. The
  // documents are read together (two statements for the batch), then checked in their order.
  const loaded = await loadOutgoingAccesses(actor.user, ids);
  const checked: OutgoingAccess[] = [];
  for (const id of ids) {
    const access = loaded.get(id);
    if (!access || !can(actor.user, 'outgoing.view', access))
      throw new AppError('OUTGOING_NOT_FOUND', 404);
    authorize(actor.user, 'outgoing.sign', access);
    checked.push(access);
  }
  const provider = await signerFor(actor.user, { pin: input.pin, ip: actor.ip });
  // Every document's main files in one statement; a version uploaded meanwhile is refused by
  // commitSignature's check (OUTGOING_VERSION_CHANGED), as it would be one read at a time.
  const mainFiles = await filesWithStoredOf('outgoing', ids, ['main']);
  const results: BatchResult[] = [];
  for (const [i, id] of ids.entries()) {
    try {
      // Checked just above; commitSignature checks again in its transaction.
      await signWith(checked[i]!, provider, undefined, actor, mainFiles.get(id));
      results.push({ id, ok: true });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ id, ok: false, code: err.code });
    }
  }
  return results;
}
