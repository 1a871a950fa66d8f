import {
  createHash,
  createHmac,
  createPrivateKey,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import forge from 'node-forge';
import {
  children,
  explicit,
  fromDer,
  nul,
  octets,
  oid,
  oidOf,
  seq,
  set,
  toDer,
  uint,
  valueBytes,
  type Node,
} from './der.js';
import { PkiError } from './errors.js';

const PBES2 = '1.2.840.113549.1.5.13';
const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  sha256: '2.16.840.1.101.3.4.2.1',
};

export interface Pkcs12Contents {
  privateKey: KeyObject;
  /** The certificate matching the private key (DER). */
  certificate: Buffer;
  /** The other certificates in the file (intermediates, root), DER. */
  chain: Buffer[];
}

const invalid = (detail: string) =>
  new PkiError('INVALID_PKCS12', `Tệp PKCS#12 (.p12/.pfx) không hợp lệ: ${detail}`);
const wrongPassword = () =>
  new PkiError('WRONG_PASSWORD', 'Mật khẩu tệp PKCS#12 (.p12/.pfx) không đúng');

const MAC_DIGESTS: Record<string, { node: string; forge: () => forge.md.MessageDigest }> = {
  '1.3.14.3.2.26': { node: 'sha1', forge: () => forge.md.sha1.create() },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', forge: () => forge.md.sha256.create() },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', forge: () => forge.md.sha384.create() },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', forge: () => forge.md.sha512.create() },
};

/** Bytes of an OCTET STRING, also when BER-encoded in constructed chunks (Windows does this). */
function octetBytes(node: Node): Buffer {
  if (Array.isArray(node.value)) return Buffer.concat(node.value.map(octetBytes));
  return valueBytes(node);
}

const berParse = (bytes: Buffer): Node =>
  (forge.asn1.fromDer as unknown as (b: forge.util.ByteStringBuffer, o: object) => Node)(
    forge.util.createBuffer(bytes.toString('binary')),
    {
      strict: false,
      decodeBitStrings: false,
    },
  );

function checkMac(macData: Node, authSafe: Buffer, password: string): void {
  const [digestInfo, salt, iterationsNode] = children(macData);
  const [algorithm, digest] = children(digestInfo!);
  const md = MAC_DIGESTS[oidOf(children(algorithm!)[0]!)];
  if (!md) throw invalid('thuật toán MAC không được hỗ trợ');
  const iterations = iterationsNode ? parseInt(valueBytes(iterationsNode).toString('hex'), 16) : 1;
  if (!(iterations >= 1 && iterations <= 10_000_000)) throw invalid('số vòng lặp MAC không hợp lệ');
  const length = createHash(md.node).digest().length;
  const key = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(valueBytes(salt!).toString('binary')),
    3,
    iterations,
    length,
    md.forge(),
  );
  const mac = createHmac(md.node, Buffer.from(key.getBytes(), 'binary')).update(authSafe).digest();
  if (!mac.equals(valueBytes(digest!))) throw wrongPassword();
}

/** Decrypts an EncryptedData SafeContents (PBES2 or the PKCS#12 PBE algorithms, incl. RC2 and 3DES). */
function decryptSafeContents(encryptedData: Node, password: string): Buffer {
  const [, encryptedContentInfo] = children(encryptedData);
  const [, algorithm, content] = children(encryptedContentInfo!);
  const [algOid, params] = children(algorithm!);
  const id = oidOf(algOid!);
  // PBES2 takes the password as UTF-8 bytes; the PKCS#12 PBEs turn the string into BMP themselves.
  const pass = id === PBES2 ? forge.util.encodeUtf8(password) : password;
  const pbe = (
    forge.pki as unknown as {
      pbe: { getCipher(oid: string, params: Node, password: string): forge.cipher.BlockCipher };
    }
  ).pbe;
  const cipher = pbe.getCipher(id, params!, pass);
  cipher.update(forge.util.createBuffer(octetBytes(content!).toString('binary')));
  if (!cipher.finish()) throw wrongPassword();
  return Buffer.from(cipher.output.getBytes(), 'binary');
}

interface Bags {
  keys: Buffer[];
  shroudedKeys: Buffer[];
  certs: Buffer[];
}

function collectBags(safeContents: Buffer, bags: Bags): void {
  for (const bag of children(berParse(safeContents))) {
    const [idNode, valueNode] = children(bag);
    const value = children(valueNode!)[0]!;
    const id = oidOf(idNode!);
    if (id === OID.keyBag) bags.keys.push(toDer(value));
    else if (id === OID.shroudedKeyBag) bags.shroudedKeys.push(toDer(value));
    else if (id === OID.certBag) {
      const [certType, certValue] = children(value);
      if (oidOf(certType!) === OID.x509Certificate)
        bags.certs.push(octetBytes(children(certValue!)[0]!));
    }
  }
}

function openKey(bags: Bags, password: string): KeyObject {
  if (bags.keys[0]) return createPrivateKey({ key: bags.keys[0], format: 'der', type: 'pkcs8' });
  if (!bags.shroudedKeys[0]) throw invalid('không có khóa bí mật');
  try {
    return createPrivateKey({
      key: bags.shroudedKeys[0],
      format: 'der',
      type: 'pkcs8',
      passphrase: password,
    });
  } catch {
    throw wrongPassword();
  }
}

/**
 * Reads a .p12/.pfx (e.g. from a public CA): the private key, its certificate and the chain.
 * RSA and EC keys; PBES2/AES and the legacy PKCS#12 PBE algorithms; MAC with SHA-1 or SHA-2.
 */
export function importPkcs12(buffer: Buffer, password: string): Pkcs12Contents {
  const bags: Bags = { keys: [], shroudedKeys: [], certs: [] };
  try {
    const [, authSafeInfo, macData] = children(berParse(buffer));
    const [contentType, explicitContent] = children(authSafeInfo!);
    if (oidOf(contentType!) !== OID.data) throw invalid('chỉ hỗ trợ tệp bảo vệ bằng mật khẩu');
    const authSafe = octetBytes(children(explicitContent!)[0]!);
    if (macData) checkMac(macData, authSafe, password);
    for (const info of children(berParse(authSafe))) {
      const [type, wrapped] = children(info);
      const inner = children(wrapped!)[0]!;
      const kind = oidOf(type!);
      if (kind === OID.data) collectBags(octetBytes(inner), bags);
      else if (kind === OID.encryptedData) collectBags(decryptSafeContents(inner, password), bags);
    }
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw invalid((err as Error).message);
  }
  const privateKey = openKey(bags, password);
  if (bags.certs.length === 0) throw invalid('không có chứng thư số');
  const index = bags.certs.findIndex((der) => new X509Certificate(der).checkPrivateKey(privateKey));
  if (index < 0) throw invalid('không có chứng thư số khớp với khóa bí mật');
  const certificate = bags.certs[index]!;
  return {
    privateKey,
    certificate,
    chain: orderChain(
      certificate,
      bags.certs.filter((_, i) => i !== index),
    ),
  };
}

/** Orders the chain from the signer's issuer upwards; certificates that do not link stay at the end. */
function orderChain(leaf: Buffer, others: Buffer[]): Buffer[] {
  const pool = others.map((der) => ({ der, x: new X509Certificate(der) }));
  const ordered: Buffer[] = [];
  let current = new X509Certificate(leaf);
  for (;;) {
    const next = pool.findIndex((c) => current.checkIssued(c.x) && c.der !== current.raw);
    if (next < 0) break;
    const [found] = pool.splice(next, 1);
    ordered.push(found!.der);
    if (found!.x.checkIssued(found!.x)) break;
    current = found!.x;
  }
  return [...ordered, ...pool.map((c) => c.der)];
}

export interface ExportPkcs12Options {
  friendlyName?: string;
  /** PBKDF2 iterations for the MAC (the key bag uses OpenSSL's PBES2 AES-256-CBC defaults). */
  macIterations?: number;
}

/** PKCS#12 key derivation (RFC 7292 appendix B) as used by the MAC. */
function pkcs12MacKey(password: string, salt: Buffer, iterations: number): Buffer {
  const key = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(salt.toString('binary')),
    3,
    iterations,
    32,
    forge.md.sha256.create(),
  );
  return Buffer.from(key.getBytes(), 'binary');
}

const bagAttributes = (localKeyId: Buffer, friendlyName?: string): Node => {
  const attrs: Node[] = [seq([oid(OID.localKeyId), set([octets(localKeyId)])])];
  if (friendlyName) {
    const bmp = forge.asn1.create(
      forge.asn1.Class.UNIVERSAL,
      forge.asn1.Type.BMPSTRING,
      false,
      Buffer.from(friendlyName, 'utf16le').swap16().toString('binary'),
    );
    attrs.push(seq([oid(OID.friendlyName), set([bmp])]));
  }
  return set(attrs);
};

const dataContentInfo = (content: Node): Node =>
  seq([oid(OID.data), explicit(0, octets(toDer(content)))]);

/**
 * Writes a PKCS#12 file: a shrouded key bag (PBES2, AES-256-CBC) and certificate bags, with an
 * HMAC-SHA256 integrity MAC. Readable by OpenSSL 3, NSS pk12util and Windows.
 */
export function exportPkcs12(
  privateKey: KeyObject,
  certificate: Buffer,
  chain: Buffer[],
  password: string,
  options: ExportPkcs12Options = {},
): Buffer {
  if (!password) throw new PkiError('WEAK_SECRET', 'Mật khẩu tệp PKCS#12 không được để trống');
  const localKeyId = new X509Certificate(certificate).fingerprint256.replace(/:/g, '').slice(0, 40);
  const keyId = Buffer.from(localKeyId, 'hex');
  const encryptedKey = privateKey.export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: password,
  });
  const keyBag = seq([
    oid(OID.shroudedKeyBag),
    explicit(0, fromDer(encryptedKey)),
    bagAttributes(keyId, options.friendlyName),
  ]);
  const certBag = (der: Buffer, attrs?: Node): Node =>
    seq([
      oid(OID.certBag),
      explicit(0, seq([oid(OID.x509Certificate), explicit(0, octets(der))])),
      ...(attrs ? [attrs] : []),
    ]);
  const certBags = [
    certBag(certificate, bagAttributes(keyId, options.friendlyName)),
    ...chain.map((der) => certBag(der)),
  ];
  const authSafe = toDer(seq([dataContentInfo(seq(certBags)), dataContentInfo(seq([keyBag]))]));
  const iterations = options.macIterations ?? 2048;
  const salt = randomBytes(16);
  const mac = createHmac('sha256', pkcs12MacKey(password, salt, iterations))
    .update(authSafe)
    .digest();
  const pfx = seq([
    uint(3),
    seq([oid(OID.data), explicit(0, octets(authSafe))]),
    seq([seq([seq([oid(OID.sha256), nul()]), octets(mac)]), octets(salt), uint(iterations)]),
  ]);
  return toDer(pfx);
}
