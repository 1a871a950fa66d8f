import { AppError } from '../http/app-error.js';
import type { EdxmlMessage } from '../interop/edxml.js';
import { DOCUMENT_TYPES } from '../documents/document-types.js';
import type { UploadInput } from './incoming.service.js';

/** What a received edXML package puts on the registration form, before the clerk checks it. */
export interface EdxmlReception {
  /** Form values under the form's own field names. */
  values: Record<string, string>;
  attachments: UploadInput[];
  /** The edXML TypeName when it is none of our document types (the clerk chooses one). */
  unknownTypeName: string | null;
  /** edXML Priority 4 (hỏa tốc hẹn giờ) has no level of its own here: registered as hỏa tốc. */
  timedExpress: boolean;
}

const comparable = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase('vi');

// edXML TraceHeaderList/Bussiness/BussinessDocType other than 0 (a new document).
const NOT_NEW: Record<number, string> = {
  1: 'EDXML_RECALL',
  2: 'EDXML_UPDATE',
  3: 'EDXML_REPLACE',
};

/**
 * The registration form's values from an edXML message (From, Code, PromulgationInfo,
 * DocumentType, Subject, SignerInfo, DueDate, OtherInfo/Priority and PageAmount) and its
 * attachments as uploads. Only new documents are registered this way: a recall, update or
 * replacement names a document sent before and is refused (422).
 */
export function receptionFromEdxml(message: EdxmlMessage): EdxmlReception {
  if (message.bussinessDocType !== 0)
    throw new AppError(NOT_NEW[message.bussinessDocType] ?? 'EDXML_NOT_NEW', 422);
  const typeName = message.documentType.typeName;
  const type = typeName
    ? DOCUMENT_TYPES.find((d) => comparable(d.vi) === comparable(typeName))
    : undefined;
  const priority = message.otherInfo.priority;
  const entries: [string, string | number | null | undefined][] = [
    ['fromOrganName', message.from.organName ?? message.from.organizationInCharge],
    ['fromOrganId', message.from.organId],
    ['codeNumber', message.code.codeNumber],
    ['codeNotation', message.code.codeNotation],
    ['promulgationDate', message.promulgationInfo.promulgationDate],
    ['documentType', type?.code],
    ['subject', message.subject],
    ['signerName', message.signerInfo.fullName],
    ['urgency', priority === null ? 0 : Math.min(priority, 3)],
    ['confidentiality', 0],
    ['pageAmount', message.otherInfo.pageAmount],
    ['dueDate', message.dueDate],
    ['edxmlDocumentId', message.documentId],
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
    timedExpress: priority === 4,
  };
}
