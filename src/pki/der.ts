import forge from 'node-forge';

const { asn1 } = forge;
export type Node = forge.asn1.Asn1;

const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const seq = (items: Node[]): Node => asn1.create(U, T.SEQUENCE, true, items);
export const set = (items: Node[]): Node => asn1.create(U, T.SET, true, items);
export const oid = (value: string): Node =>
  asn1.create(U, T.OID, false, asn1.oidToDer(value).getBytes());
export const nul = (): Node => asn1.create(U, T.NULL, false, '');
export const bool = (value: boolean): Node =>
  asn1.create(U, T.BOOLEAN, false, value ? '\xff' : '\x00');
export const octets = (bytes: Buffer): Node =>
  asn1.create(U, T.OCTETSTRING, false, bytes.toString('binary'));
export const utf8 = (text: string): Node =>
  asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(text));
export const printable = (text: string): Node => asn1.create(U, T.PRINTABLESTRING, false, text);
export const ia5 = (text: string): Node => asn1.create(U, T.IA5STRING, false, text);
/** BIT STRING with zero unused bits. */
export const bits = (bytes: Buffer): Node =>
  asn1.create(U, T.BITSTRING, false, '\x00' + bytes.toString('binary'));
export const explicit = (tag: number, inner: Node): Node =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, [inner]);
export const implicitPrimitive = (tag: number, bytes: string): Node =>
  asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, bytes);

/** A non-negative INTEGER from big-endian magnitude bytes, minimally encoded. */
export function uint(value: Buffer | number): Node {
  let bytes = typeof value === 'number' ? numberBytes(value) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(U, T.INTEGER, false, bytes.toString('binary'));
}

function numberBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Not a non-negative integer: ${n}`);
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Node {
  const d = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return d.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

export const toDer = (node: Node): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
/** Strict DER parse; BIT STRING contents are kept as bytes (forge would otherwise try to parse them). */
export const fromDer = (der: Buffer): Node =>
  (asn1.fromDer as unknown as (bytes: forge.util.ByteStringBuffer, options: object) => Node)(
    forge.util.createBuffer(der.toString('binary')),
    { strict: true, decodeBitStrings: false },
  );

/** Value bytes of a primitive node as a Buffer. */
export const valueBytes = (node: Node): Buffer => Buffer.from(node.value as string, 'binary');
export const children = (node: Node): Node[] => {
  if (!Array.isArray(node.value)) throw new Error('ASN.1: expected a constructed value');
  return node.value;
};
export const oidOf = (node: Node): string => asn1.derToOid(node.value as string);

export function pemToDer(pem: string, label: string): Buffer {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`);
  const match = re.exec(pem);
  if (!match) throw new Error(`No PEM block "${label}" found`);
  return Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64');
}

export function derToPem(der: Buffer, label: string): string {
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
