import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { expect } from 'chai';
import {
  isWrappedKey,
  kekIdOf,
  KeyWrapError,
  openWrappedKey,
  readWrappedKey,
  unwrapKey,
  wrapKey,
  WRAPPED_KEY_LABEL,
  type KeyWrapErrorCode,
} from '../../../src/signing-keys/key-wrap.js';

const PIN = '246810';
const KEK = Buffer.from('a server secret of forty-odd characters, for tests');
const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' });

function expectRefused(open: () => unknown, code: KeyWrapErrorCode): void {
  let result: unknown;
  try {
    result = open();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(KeyWrapError);
    expect((e as KeyWrapError).code, (e as Error).message).to.equal(code);
    return;
  }
  expect.fail(`expected KeyWrapError ${code}, got ${String(result)}`);
}

/** The wrapped text's bytes, and a text made of other bytes. */
const bytesOf = (text: string) =>
  Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const textOf = (blob: Buffer) =>
  `-----BEGIN ${WRAPPED_KEY_LABEL}-----\n${blob.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${WRAPPED_KEY_LABEL}-----\n`;

/** The wrapped key with one bit flipped at `at` (from the end when negative). */
function flipped(text: string, at: number): string {
  const blob = bytesOf(text);
  const i = at < 0 ? blob.length + at : at;
  blob[i] = blob[i]! ^ 0x01;
  return textOf(blob);
}

describe('personal keys wrapped under the server secret and the PIN', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  let wrapped: string;
  before(() => {
    wrapped = wrapKey(rsa, PIN, KEK);
  });

  it('gives back the same key with the right PIN, RSA and ECDSA', () => {
    expect(wrapped).to.match(/^-----BEGIN EOFFICE WRAPPED KEY-----\n/);
    expect(wrapped).to.match(/-----END EOFFICE WRAPPED KEY-----\n$/);
    expect(isWrappedKey(wrapped)).to.equal(true);
    expect(spki(openWrappedKey(wrapped, PIN, KEK))).to.deep.equal(spki(rsa));
    expect(spki(openWrappedKey(wrapKey(ec, PIN, KEK), PIN, KEK))).to.deep.equal(spki(ec));
  });

  it('takes the PIN in NFC, and a fresh salt and IV for every wrapping', () => {
    const decomposed = 'pi\u0301n-123456';
    const key = openWrappedKey(wrapKey(rsa, decomposed, KEK), decomposed.normalize('NFC'), KEK);
    expect(spki(key)).to.deep.equal(spki(rsa));
    const again = wrapKey(rsa, PIN, KEK);
    expect(again).not.to.equal(wrapped);
    expect(bytesOf(again).subarray(9, 37)).not.to.deep.equal(bytesOf(wrapped).subarray(9, 37));
  });

  it('refuses a wrong PIN as WRONG_PIN, never a key', () => {
    for (const pin of ['246811', '24681', '2468100', '000000', ' 246810'])
      expectRefused(() => openWrappedKey(wrapped, pin, KEK), 'WRONG_PIN');
    const read = readWrappedKey(wrapped, KEK);
    expectRefused(() => unwrapKey(read, ''), 'WRONG_PIN');
  });

  it('tells a changed server secret apart from a wrong PIN, before trying the PIN', () => {
    const other = Buffer.from('another server secret, after a bad redeploy');
    expect(kekIdOf(other)).not.to.deep.equal(kekIdOf(KEK));
    expectRefused(() => openWrappedKey(wrapped, PIN, other), 'SECRET_CHANGED');
    expectRefused(() => readWrappedKey(wrapped, other), 'SECRET_CHANGED');
    // The identifier is the secret's, not the key's: the same for every key wrapped under it.
    expect(bytesOf(wrapKey(ec, '999999', KEK)).subarray(1, 9)).to.deep.equal(kekIdOf(KEK));
  });

  it('refuses altered bytes anywhere as DAMAGED, whatever the PIN: header, salt, IV, tag, ciphertext, MAC', () => {
    const length = bytesOf(wrapped).length;
    // version 0; salt 9..24; IV 25..36; tag 37..52; ciphertext; MAC the last 32.
    for (const at of [10, 24, 25, 36, 37, 52, 53, 300, length - 33, length - 32, -1]) {
      const altered = flipped(wrapped, at);
      expectRefused(() => openWrappedKey(altered, PIN, KEK), 'DAMAGED');
      expectRefused(() => openWrappedKey(altered, '000000', KEK), 'DAMAGED');
    }
    // The secret's identifier altered reads as another secret: refused all the same.
    expectRefused(() => openWrappedKey(flipped(wrapped, 1), PIN, KEK), 'SECRET_CHANGED');
  });

  it('with the MAC made again under the secret, an altered header or ciphertext still opens nothing (GCM)', () => {
    // Someone holding the secret but not the PIN: the GCM tag, over the header too, refuses.
    const macKey = createHmac('sha256', KEK).update('eoffice:wrapped-key:v1:mac').digest();
    const remade = (at: number | null) => {
      const blob = bytesOf(wrapped);
      const signed = Buffer.from(blob.subarray(0, blob.length - 32));
      if (at !== null) signed[at] = signed[at]! ^ 0x01;
      return textOf(Buffer.concat([signed, createHmac('sha256', macKey).update(signed).digest()]));
    };
    // Unaltered, the MAC made again is the one written: what follows is refused by GCM alone.
    expect(remade(null)).to.equal(wrapped);
    for (const at of [10, 30, 40, 60])
      expectRefused(() => openWrappedKey(remade(at), PIN, KEK), 'WRONG_PIN');
  });

  it('refuses hostile text with a typed error and no key: empty, truncated, huge, other versions, garbage', () => {
    const blob = bytesOf(wrapped);
    const cases: [string, string][] = [
      ['empty', ''],
      ['blank', '   \n'],
      ['header only', `-----BEGIN ${WRAPPED_KEY_LABEL}-----\n-----END ${WRAPPED_KEY_LABEL}-----\n`],
      ['no end line', wrapped.replace(/-----END[^\n]*\n$/, '')],
      ['truncated text', wrapped.slice(0, wrapped.length / 2)],
      ['truncated bytes', textOf(blob.subarray(0, blob.length - 1))],
      ['only the header', textOf(blob.subarray(0, 37))],
      ['ciphertext cut', textOf(Buffer.concat([blob.subarray(0, 60), blob.subarray(-32)]))],
      ['one byte more', textOf(Buffer.concat([blob, Buffer.from([0])]))],
      ['version 0', textOf(Buffer.concat([Buffer.from([0]), blob.subarray(1)]))],
      ['version 2', textOf(Buffer.concat([Buffer.from([2]), blob.subarray(1)]))],
      ['version 255', textOf(Buffer.concat([Buffer.from([255]), blob.subarray(1)]))],
      ['huge base64', textOf(randomBytes(1 << 20))],
      ['long enough garbage', textOf(randomBytes(2000))],
      ['not base64', wrapped.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1*!')],
      ['base64 with a stray character', wrapped.replace(/\n([A-Za-z0-9+/]{10})/, '\n$1.')],
      ['a PKCS#8 PEM', '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n'],
      ['plain text', 'hello'],
      ['NUL bytes', '\u0000'.repeat(100)],
    ];
    for (const [name, text] of cases) {
      let threw: unknown = null;
      try {
        openWrappedKey(text, PIN, KEK);
      } catch (e) {
        threw = e;
      }
      expect(threw, name).to.be.instanceOf(KeyWrapError);
      expect((threw as KeyWrapError).code, name).to.be.oneOf(['DAMAGED', 'SECRET_CHANGED']);
    }
    // A text far past any key is refused before it is decoded.
    expectRefused(() => openWrappedKey('A'.repeat(50_000_000), PIN, KEK), 'DAMAGED');
    expect(isWrappedKey('-----BEGIN ENCRYPTED PRIVATE KEY-----\n')).to.equal(false);
  });
});
