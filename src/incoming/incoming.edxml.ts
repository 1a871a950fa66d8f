import { AppError } from '../http/app-error.js';
import type { EdxmlMessage } from '../interop/edxml.js';
import { RECEIVED_DOCUMENT_TYPES } from '../documents/document-types.js';
import { normaliseOrganCode } from '../senders/sender-names.js';
import type { UploadInput } from './incoming.service.js';
import { TIMED_EXPRESS } from './incoming.schemas.js';
import { MAX_RESPONSE_FOR, ResponseForListSchema } from './response-for.js';

/** What a received edXML package puts on the registration form, before the clerk checks it. */
export interface EdxmlReception {
  /** Form values under the form's own field names. */
  values: Record<string, string>;
  attachments: UploadInput[];
  /** The edXML TypeName when it is none of our document types (the clerk chooses one). */
  unknownTypeName: string | null;
  /** edXML Priority 4 (hỏa tốc hẹn giờ): registered as such, with its time when DueDate has one. */
  timedExpress: boolean;
  /** Priority 4 but no time in the package: the clerk types the time from the document. */
  timedExpressWithoutTime: boolean;
}

const comparable = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase('vi');

// edXML TraceHeaderList/Bussiness/BussinessDocType other than 0 (a new document).
const NOT_NEW: Record<number, string> = {
  1: 'EDXML_RECALL',
  2: 'EDXML_UPDATE',
  3: 'EDXML_REPLACE',
};

/**
 * A package is registered only by an agency it is addressed to: one of its To/OrganId must be
 * this agency's code (mã định danh). Anything else, a package without any To/OrganId included,
 * is refused (422) before anything of it is kept.
 */
function requireAddressedTo(message: EdxmlMessage, agencyCode: string): void {
  const own = normaliseOrganCode(agencyCode);
  const codes = message.to.map((t) => normaliseOrganCode(t.organId)).filter(Boolean);
  if (own && codes.includes(own)) return;
  const named = message.to
    .map((t) => t.organId ?? t.organName)
    .filter((v): v is string => Boolean(v))
    .map((v) => v.slice(0, 100))
    .slice(0, 5);
  throw new AppError(
    named.length ? 'EDXML_NOT_ADDRESSED' : 'EDXML_NO_RECIPIENT',
    422,
    undefined,
    undefined,
    { to: named.join(', '), code: agencyCode },
  );
}

/** ResponseFor as the form carries it (a JSON array), checked by the registration's own rule. */
function responseForValue(message: EdxmlMessage): string | undefined {
  if (!message.responseFor.length) return undefined;
  if (message.responseFor.length > MAX_RESPONSE_FOR)
    throw new AppError('EDXML_RESPONSE_FOR', 422, undefined, undefined, { max: MAX_RESPONSE_FOR });
  const entries = message.responseFor.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v != null)),
  );
  const checked = ResponseForListSchema.safeParse(entries);
  if (!checked.success)
    throw new AppError('EDXML_RESPONSE_FOR', 422, undefined, undefined, { max: MAX_RESPONSE_FOR });
  return JSON.stringify(checked.data);
}

/**
 * The registration form's values from an edXML message (From, DocumentId, Code,
 * PromulgationInfo with its Place, DocumentType, Subject, SignerInfo with Competence and
 * Position, DueDate, ResponseFor, OtherInfo/Priority and PageAmount) and its attachments as
 * uploads. Only new documents addressed to this agency (agencyCode) are registered this way: a
 * recall, update or replacement names a document sent before and is refused (422), and so is a
 * package addressed to another agency.
 */
export function receptionFromEdxml(message: EdxmlMessage, agencyCode: string): EdxmlReception {
  if (message.bussinessDocType !== 0)
    throw new AppError(NOT_NEW[message.bussinessDocType] ?? 'EDXML_NOT_NEW', 422);
  requireAddressedTo(message, agencyCode);
  const typeName = message.documentType.typeName;
  const type = typeName
    ? RECEIVED_DOCUMENT_TYPES.find((d) => comparable(d.vi) === comparable(typeName))
    : undefined;
  const priority = message.otherInfo.priority;
  const timedExpress = priority === TIMED_EXPRESS;
  // edXML has no element of its own for the time of Hỏa tốc hẹn giờ: a DueDate with a time of
  // day is read as it; without one the clerk types it from the document.
  const deliverBy = timedExpress ? message.dueDateTime : null;
  const entries: [string, string | number | null | undefined][] = [
    ['fromOrganName', message.from.organName ?? message.from.organizationInCharge],
    ['fromOrganId', message.from.organId],
    ['codeNumber', message.code.codeNumber],
    ['codeNotation', message.code.codeNotation],
    ['promulgationDate', message.promulgationInfo.promulgationDate],
    ['promulgationPlace', message.promulgationInfo.place],
    ['documentType', type?.code],
    ['subject', message.subject],
    ['signerName', message.signerInfo.fullName],
    ['signerCompetence', message.signerInfo.competence],
    ['signerPosition', message.signerInfo.position],
    ['urgency', priority === null ? 0 : timedExpress ? TIMED_EXPRESS : Math.min(priority, 3)],
    ['urgentDeliverBy', deliverBy],
    ['confidentiality', 0],
    ['copyForm', 'original'],
    ['pageAmount', message.otherInfo.pageAmount],
    ['dueDate', message.dueDate],
    ['edxmlDocumentId', message.documentId],
    ['responseFor', responseForValue(message)],
  ];
  const values: Record<string, string> = {};
  for (const [field, value] of entries) if (value != null) values[field] = String(value);
  return {
    values,
    attachments: message.attachments.map((a) => ({
      buffer: a.content,
      originalName: a.attachmentName,
    })),
    unknownTypeName: typeName && !type ? typeName : null,
    timedExpress,
    timedExpressWithoutTime: timedExpress && !deliverBy,
  };
}
