import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../http/app-error.js';

/**
 * Reading edXML packages (QCVN 102:2016/BTTTT), the message format between agencies' document
 * systems. Names follow the standard's elements (MessageHeader, Code/CodeNumber, OtherInfo/
 * Priority…) so that mapping to and from our fields stays a mapping. This reads the envelope as
 * one XML document with its attachments base64-encoded inside it.
 */

export interface EdxmlOrgan {
  organId: string | null;
  organName: string | null;
  organizationInCharge: string | null;
}

export interface EdxmlAttachment {
  contentId: string | null;
  attachmentName: string;
  contentType: string | null;
  description: string | null;
  content: Buffer;
}

export interface EdxmlResponseFor {
  organId: string | null;
  /** Number and symbol as written ("123/STC-QLNS"). */
  code: string | null;
  promulgationDate: string | null;
  documentId: string | null;
}

export interface EdxmlMessage {
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  documentId: string | null;
  code: { codeNumber: string | null; codeNotation: string | null };
  promulgationInfo: { place: string | null; promulgationDate: string | null };
  documentType: { type: string | null; typeName: string | null };
  subject: string | null;
  signerInfo: { competence: string | null; position: string | null; fullName: string | null };
  dueDate: string | null;
  /** DueDate's time of day when it carries one, as yyyy-mm-ddThh:mm (the sender's local time). */
  dueDateTime: string | null;
  /** ResponseFor: the documents this one answers. */
  responseFor: EdxmlResponseFor[];
  otherInfo: { priority: number | null; pageAmount: number | null };
  /** TraceHeaderList/Bussiness/BussinessDocType: 0 new, 1 recall, 2 update, 3 replace. */
  bussinessDocType: number;
  attachments: EdxmlAttachment[];
}

type Node = Record<string, unknown>;

const invalid = (code: string, params?: Record<string, unknown>) =>
  new AppError(code, 422, undefined, undefined, params);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  // Only the five predefined entities: edXML declares none of its own.
  processEntities: true,
  htmlEntities: false,
});

function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Node)[name];
  return Array.isArray(value) ? value[0] : value;
}

function children(node: unknown, name: string): unknown[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as Node)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an element (null when missing or empty); `#text` when it also had children. */
function text(node: unknown, ...path: string[]): string | null {
  let current = node;
  for (const name of path) current = child(current, name);
  if (current && typeof current === 'object') current = (current as Node)['#text'];
  if (current === undefined || current === null) return null;
  const value = String(current).trim();
  return value === '' ? null : value;
}

function integer(value: string | null): number | null {
  if (value === null || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}

/**
 * A date as edXML writes it (yyyy/MM/dd; also yyyy-MM-dd, dd/MM/yyyy, with or without a time)
 * as yyyy-mm-dd; null when absent or not a real day.
 */
export function edxmlDate(value: string | null): string | null {
  if (!value) return null;
  let match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[T ].*)?$/.exec(value);
  let parts = match ? [match[1], match[2], match[3]] : null;
  if (!parts) {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    parts = match ? [match[3], match[2], match[1]] : null;
  }
  if (!parts) return null;
  const iso = `${parts[0]}-${parts[1].padStart(2, '0')}-${parts[2].padStart(2, '0')}`;
  const day = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === iso ? iso : null;
}

/**
 * A date with a time of day as edXML writes it ("yyyy/MM/dd HH:mm[:ss]", also with "-" or "T")
 * as yyyy-mm-ddThh:mm; null when there is no time or it is not a real one.
 */
export function edxmlDateTime(value: string | null): string | null {
  const day = edxmlDate(value);
  const time = value ? /[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value) : null;
  if (!day || !time || Number(time[1]) > 23 || Number(time[2]) > 59) return null;
  return `${day}T${time[1].padStart(2, '0')}:${time[2]}`;
}

function responseFor(node: unknown): EdxmlResponseFor {
  const number = text(node, 'Code', 'CodeNumber');
  const notation = text(node, 'Code', 'CodeNotation');
  return {
    organId: text(node, 'OrganId'),
    code: number || notation ? [number, notation].filter(Boolean).join('/') : text(node, 'Code'),
    promulgationDate: edxmlDate(text(node, 'PromulgationDate')),
    documentId: text(node, 'DocumentId'),
  };
}

function organ(node: unknown): EdxmlOrgan {
  return {
    organId: text(node, 'OrganId'),
    organName: text(node, 'OrganName'),
    organizationInCharge: text(node, 'OrganizationInCharge'),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function attachment(node: unknown, index: number): EdxmlAttachment {
  const attachmentName = text(node, 'AttachmentName') ?? text(node, 'Name') ?? `tep-${index + 1}`;
  // The encoded content goes by different element names across implementations.
  const encoded = (
    text(node, 'ContentTransferEncoded') ??
    text(node, 'Value') ??
    text(node, 'Data') ??
    text(node) ??
    ''
  ).replace(/\s+/g, '');
  if (!encoded || encoded.length % 4 !== 0 || !BASE64.test(encoded))
    throw invalid('EDXML_ATTACHMENT', { name: attachmentName });
  return {
    contentId: text(node, 'ContentId'),
    attachmentName,
    contentType: text(node, 'ContentType'),
    description: text(node, 'Description'),
    content: Buffer.from(encoded, 'base64'),
  };
}

/**
 * Reads an edXML package; a clear 422 (EDXML_…) for anything that is not one: not XML, a DOCTYPE (entity expansion has no place in edXML), another root, no
 * MessageHeader, an attachment that is not base64.
 */
export function readEdxml(buffer: Buffer): EdxmlMessage {
  const xml = buffer.toString('utf8').replace(/^\uFEFF/, '');
  if (!xml.trim()) throw invalid('EDXML_EMPTY');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw invalid('EDXML_DOCTYPE');
  if (XMLValidator.validate(xml) !== true) throw invalid('EDXML_NOT_XML');
  let parsed: Node;
  try {
    parsed = parser.parse(xml) as Node;
  } catch {
    throw invalid('EDXML_NOT_XML');
  }
  const envelope = child(parsed, 'edXMLEnvelope');
  if (!envelope || typeof envelope !== 'object') throw invalid('EDXML_NOT_ENVELOPE');
  const header = child(child(envelope, 'edXMLHeader'), 'MessageHeader');
  if (!header || typeof header !== 'object') throw invalid('EDXML_NO_HEADER');
  const trace = child(child(envelope, 'edXMLHeader'), 'TraceHeaderList');
  const body = child(envelope, 'edXMLBody');
  const encoded = [
    ...children(child(body, 'AttachmentEncoded'), 'Attachment'),
    ...children(body, 'Attachment'),
  ];
  const other = child(header, 'OtherInfo');
  return {
    from: organ(child(header, 'From')),
    to: children(header, 'To').map(organ),
    documentId: text(header, 'DocumentId'),
    code: {
      codeNumber: text(header, 'Code', 'CodeNumber'),
      codeNotation: text(header, 'Code', 'CodeNotation'),
    },
    promulgationInfo: {
      place: text(header, 'PromulgationInfo', 'Place'),
      promulgationDate: edxmlDate(text(header, 'PromulgationInfo', 'PromulgationDate')),
    },
    documentType: {
      type: text(header, 'DocumentType', 'Type'),
      typeName: text(header, 'DocumentType', 'TypeName'),
    },
    subject: text(header, 'Subject'),
    signerInfo: {
      competence: text(header, 'SignerInfo', 'Competence'),
      position: text(header, 'SignerInfo', 'Position'),
      fullName: text(header, 'SignerInfo', 'FullName'),
    },
    dueDate: edxmlDate(text(header, 'DueDate')),
    dueDateTime: edxmlDateTime(text(header, 'DueDate')),
    responseFor: children(header, 'ResponseFor').map(responseFor),
    otherInfo: {
      priority: integer(text(other, 'Priority')),
      pageAmount: integer(text(other, 'PageAmount')),
    },
    bussinessDocType: integer(text(trace, 'Bussiness', 'BussinessDocType')) ?? 0,
    attachments: encoded.map(attachment),
  };
}
