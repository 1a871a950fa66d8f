import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import {
  ctx,
  generalizedTime,
  int,
  nullDer,
  octets,
  oid,
  seq,
  setOf,
  tlv,
  utcTime,
} from '../../../../src/signing/cms/der.js';

export interface TestIdentity {
  key: KeyObject;
  cert: Buffer;
  name: Buffer;
  keyType: 'rsa' | 'ec';
}

const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (b: boolean) => tlv(0x01, Buffer.from([b ? 0xff : 0]));
const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);

export function dn(cn: string, o = 'UBND Tỉnh Thử Nghiệm'): Buffer {
  return seq(
    setOf(seq(oid('2.5.4.6'), tlv(0x13, Buffer.from('VN')))),
    setOf(seq(oid('2.5.4.10'), utf8(o))),
    setOf(seq(oid('2.5.4.3'), utf8(cn))),
  );
}

function sigAlg(key: KeyObject, digest: 'sha256' | 'sha1' = 'sha256'): Buffer {
  if (key.asymmetricKeyType === 'rsa')
    return seq(
      oid(digest === 'sha1' ? '1.2.840.113549.1.1.5' : '1.2.840.113549.1.1.11'),
      nullDer(),
    );
  return seq(oid(digest === 'sha1' ? '1.2.840.10045.4.1' : '1.2.840.10045.4.3.2'));
}

function newKey(type: 'rsa' | 'ec'): KeyObject {
  return type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

const time = (d: Date) => (d.getUTCFullYear() < 2050 ? utcTime(d) : generalizedTime(d));
let serialCounter = 0x1000;

export interface IssueOptions {
  cn: string;
  keyType?: 'rsa' | 'ec';
  isCa?: boolean;
  ekus?: string[];
  notBefore?: Date;
  notAfter?: Date;
  serial?: number;
  key?: KeyObject;
  /** KeyUsage bits (0 digitalSignature … 5 keyCertSign); default: signing, or CA bits; [] none. */
  keyUsage?: number[];
  /** BasicConstraints pathLenConstraint of a CA. */
  pathLength?: number;
  /** The digest the issuer signs this certificate with (default SHA-256; SHA-1 to test refusal). */
  signatureDigest?: 'sha256' | 'sha1';
}

/** A KeyUsage BIT STRING with the given bits set. */
function keyUsageBits(bits: number[]): Buffer {
  const bytes = Buffer.alloc(2);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const used = bytes[1] === 0 ? bytes.subarray(0, 1) : bytes;
  const last = used[used.length - 1]!;
  let unused = 0;
  while (unused < 7 && (last & (1 << unused)) === 0) unused++;
  return bitString(used, unused);
}

/** Issues a certificate (self-signed when issuer is undefined). */
export function issue(issuer: TestIdentity | undefined, o: IssueOptions): TestIdentity {
  const keyType = o.keyType ?? 'rsa';
  const key = o.key ?? newKey(keyType);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const name = dn(o.cn);
  const signerKey = issuer?.key ?? key;
  const ski = createHash('sha1').update(spki).digest();
  const issuerSpki = createPublicKey(signerKey).export({ type: 'spki', format: 'der' });
  const aki = createHash('sha1').update(issuerSpki).digest();
  const caConstraints = o.pathLength === undefined ? [bool(true)] : [bool(true), int(o.pathLength)];
  const exts: Buffer[] = [
    seq(oid('2.5.29.19'), bool(true), octets(o.isCa ? seq(...caConstraints) : seq())),
    seq(
      oid('2.5.29.15'),
      bool(true),
      octets(
        o.keyUsage
          ? keyUsageBits(o.keyUsage)
          : o.isCa
            ? bitString(Buffer.from([0x06]), 1)
            : bitString(Buffer.from([0xc0]), 6),
      ),
    ),
    seq(oid('2.5.29.14'), octets(octets(ski))),
    seq(oid('2.5.29.35'), octets(seq(tlv(0x80, aki)))),
  ];
  if (o.ekus?.length) {
    exts.push(
      seq(
        oid('2.5.29.37'),
        ...(o.ekus.includes('1.3.6.1.5.5.7.3.8') ? [bool(true)] : []),
        octets(seq(...o.ekus.map(oid))),
      ),
    );
  }
  const tbs = seq(
    ctx(0, int(2)),
    int(o.serial ?? serialCounter++),
    sigAlg(signerKey, o.signatureDigest),
    issuer?.name ?? name,
    seq(
      time(o.notBefore ?? new Date('2025-01-01T00:00:00Z')),
      time(o.notAfter ?? new Date('2035-01-01T00:00:00Z')),
    ),
    name,
    spki,
    ctx(3, seq(...exts)),
  );
  const signature = sign(o.signatureDigest ?? 'sha256', tbs, signerKey);
  const cert = seq(tbs, sigAlg(signerKey, o.signatureDigest), bitString(signature));
  return { key, cert, name, keyType };
}

export interface TestPki {
  root: TestIdentity;
  rsaSigner: TestIdentity;
  ecSigner: TestIdentity;
  seal: TestIdentity;
  tsa: TestIdentity;
  otherRoot: TestIdentity;
}

let cached: TestPki | undefined;

/** A throwaway CA with RSA 2048 and ECDSA P-256 end-entity certificates (built once per run). */
export function testPki(): TestPki {
  if (cached) return cached;
  const root = issue(undefined, { cn: 'eOffice Test Root CA', isCa: true, keyType: 'rsa' });
  const docSigning = ['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4'];
  cached = {
    root,
    rsaSigner: issue(root, { cn: 'Nguyễn Thị Hằng', ekus: docSigning }),
    ecSigner: issue(root, { cn: 'Trần Văn Bình', keyType: 'ec', ekus: docSigning }),
    seal: issue(root, { cn: 'UBND Tỉnh Thử Nghiệm', ekus: docSigning }),
    tsa: issue(root, { cn: 'eOffice Test TSA', ekus: ['1.3.6.1.5.5.7.3.8'] }),
    otherRoot: issue(undefined, { cn: 'Untrusted Root', isCa: true, keyType: 'ec' }),
  };
  return cached;
}

/** A CRL signed by `ca` listing `revokedSerials` (decimal numbers). */
export function createCrl(
  ca: TestIdentity,
  revoked: Array<{ serial: Buffer; date: Date }>,
  thisUpdate: Date,
): Buffer {
  const entries = revoked.map((r) => seq(tlv(0x02, r.serial), utcTime(r.date)));
  const tbs = seq(
    int(1),
    sigAlg(ca.key),
    ca.name,
    utcTime(thisUpdate),
    utcTime(new Date(thisUpdate.getTime() + 30 * 86400e3)),
    ...(entries.length ? [seq(...entries)] : []),
  );
  return seq(tbs, sigAlg(ca.key), bitString(sign('sha256', tbs, ca.key)));
}
