import { createHash, randomBytes, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { AuditLog } from '../../src/audit/audit-log.model.js';
import { AppError } from '../../src/http/app-error.js';
import { encryptPrivateKey, loadSigningKey, PkiError } from '../../src/pki/index.js';
import {
  changePin,
  configureSigningKeys,
  enrolServerKey,
  PIN_MAX_ATTEMPTS,
  signerFor,
  SignerCredential,
} from '../../src/signing-keys/index.js';
import {
  isWrappedKey,
  KeyWrapError,
  openWrappedKey,
  readWrappedKey,
} from '../../src/signing-keys/key-wrap.js';
import { openWithPin } from '../../src/signing-keys/pin-attempts.js';
import { signingKeySecret } from '../../src/signing-keys/settings.js';
import type { SignatureProvider } from '../../src/signing-providers/index.js';
import type { User } from '../../src/users/user.model.js';
import { buildAgency, buildUser, loginAs } from '../factories/index.js';
import { CHEAP_KDF, enrolForTest, keyOfEnrolled, TEST_PIN } from '../helpers/signing-keys.js';
import { testApp, type TestContext } from '../helpers/test-app.js';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail('expected a refusal');
}

async function expectSigns(provider: SignatureProvider): Promise<void> {
  const data = randomBytes(64);
  const { certificate } = await provider.certificate();
  const value = await provider.signDigest(createHash('sha256').update(data).digest(), {
    toBeSigned: data,
  });
  expect(cryptoVerify('sha256', data, new X509Certificate(certificate).publicKey, value)).to.equal(
    true,
  );
}

const auditCount = (credentialId: number, action: string) =>
  AuditLog.count({
    where: { entityType: 'signer_credential', entityId: String(credentialId), action },
  });

const storedKey = async (id: number) => (await SignerCredential.findByPk(id))!.encryptedKey!;

describe('personal signing keys wrapped under the server secret (SIGNING_KEY_SECRET)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  /** Runs `work` with the signing keys configured otherwise, then as the tests were. */
  async function configuredAs<T>(
    change: Partial<TestContext['config']>,
    work: () => Promise<T>,
  ): Promise<T> {
    configureSigningKeys({ ...ctx.config, ...change });
    try {
      return await work();
    } finally {
      configureSigningKeys(ctx.config);
    }
  }

  /** A credential as enrolments stored it before: PKCS#8 under scrypt and the PIN alone. */
  async function enrolledInScrypt(user: User, pin = TEST_PIN): Promise<SignerCredential> {
    const row = await enrolForTest(user, pin);
    const encryptedKey = encryptPrivateKey(keyOfEnrolled(row, pin), pin, CHEAP_KDF);
    await row.update({ encryptedKey });
    return row;
  }

  it('stores an enrolled key wrapped, of no use without the server secret, and signs with the PIN', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    const stored = await storedKey(row.id);
    expect(stored).to.match(/^-----BEGIN EOFFICE WRAPPED KEY-----\n/);
    expect(isWrappedKey(stored)).to.equal(true);
    // The PIN alone does not open it (no PKCS#8 under the PIN), nor the PIN under another secret.
    expect(() => loadSigningKey(stored, TEST_PIN)).to.throw(PkiError);
    expect(() => readWrappedKey(stored, Buffer.from('some other secret, 16+ chars'))).to.throw(
      KeyWrapError,
    );
    expect(openWrappedKey(stored, TEST_PIN, signingKeySecret()).type).to.equal('private');
    await expectSigns(await signerFor(user, { pin: TEST_PIN }));
    expect((await row.reload()).failedPinCount).to.equal(0);
    expect(await auditCount(row.id, 'signing_key.rewrap')).to.equal(0);
  });

  it('counts a wrong PIN and locks after the limit, as before', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    for (let i = 1; i < PIN_MAX_ATTEMPTS; i += 1) {
      const wrong = await refusal(signerFor(user, { pin: '99999' + i }));
      expect(wrong.code).to.equal('SIGNING_PIN_WRONG');
      expect(wrong.params).to.deep.equal({ remaining: PIN_MAX_ATTEMPTS - i });
    }
    const last = await refusal(signerFor(user, { pin: '999990' }));
    expect(last.code).to.equal('SIGNING_PIN_LOCKED');
    expect(await auditCount(row.id, 'signing_key.pin_wrong')).to.equal(PIN_MAX_ATTEMPTS);
    expect(await auditCount(row.id, 'signing_key.pin_locked')).to.equal(1);
    expect((await refusal(signerFor(user, { pin: TEST_PIN }))).code).to.equal('SIGNING_PIN_LOCKED');
  });

  it('refuses with SIGNING_KEY_SECRET_CHANGED under another server secret, taking no attempt', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    await refusal(signerFor(user, { pin: '999999' }));
    expect((await row.reload()).failedPinCount).to.equal(1);
    const other = { signingKeySecret: 'a secret the key was not wrapped under' };
    await configuredAs(other, async () => {
      // More tries than the lock allows, right and wrong PINs: none is counted.
      for (const pin of [TEST_PIN, '111111', '222222', '333333', '444444', '555555', TEST_PIN]) {
        const refused = await refusal(signerFor(user, { pin }));
        expect(refused.code).to.equal('SIGNING_KEY_SECRET_CHANGED');
        expect(refused.status).to.equal(503);
      }
      const changed = await refusal(changePin(user.id, TEST_PIN, '135790', actorOf(user)));
      expect(changed.code).to.equal('SIGNING_KEY_SECRET_CHANGED');
    });
    await row.reload();
    expect(row.failedPinCount).to.equal(1);
    expect(row.pinLockedUntil).to.equal(null);
    expect(await auditCount(row.id, 'signing_key.pin_wrong')).to.equal(1);
    expect(await storedKey(row.id)).to.equal(row.encryptedKey);
    // With the secret back, the same key opens with the same PIN.
    await expectSigns(await signerFor(user, { pin: TEST_PIN }));
    expect((await row.reload()).failedPinCount).to.equal(0);
  });

  it('says so in Vietnamese on the page, a 503 and not a wrong PIN', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    const { agent, csrf } = await loginAs(ctx.app, user);
    const res = await configuredAs(
      { signingKeySecret: 'yet another secret, 16+ chars' },
      async () =>
        agent
          .post('/profile/signing/pin')
          .type('form')
          .send({
            _csrf: await csrf(),
            oldPin: TEST_PIN,
            newPin: '135790',
            newPinConfirm: '135790',
          }),
    );
    expect(res.status).to.equal(503);
    expect(res.text).to.contain('Khóa bảo vệ khóa ký số trên máy chủ (SIGNING_KEY_SECRET) khác');
    expect(res.text).to.contain('không bị tính là nhập sai');
    expect((await row.reload()).failedPinCount).to.equal(0);
  });

  it('refuses a damaged key as SIGNING_KEY_UNREADABLE, taking no attempt', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolForTest(user);
    const stored = await storedKey(row.id);
    // One base64 character of the second line (inside the ciphertext) changed.
    const at = 120;
    expect(stored[at]).to.match(/[A-Za-z0-9+/]/);
    const damaged = stored.slice(0, at) + (stored[at] === 'A' ? 'B' : 'A') + stored.slice(at + 1);
    await row.update({ encryptedKey: damaged });
    for (const pin of [TEST_PIN, '999999']) {
      const refused = await refusal(signerFor(user, { pin }));
      expect(refused.code).to.equal('SIGNING_KEY_UNREADABLE');
      expect(refused.status).to.equal(503);
    }
    expect((await row.reload()).failedPinCount).to.equal(0);
    expect(await auditCount(row.id, 'signing_key.pin_wrong')).to.equal(0);
  });

  it('opens a key stored in the scrypt format, re-wraps it once with an audit row, and opens it again', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolledInScrypt(user);
    const before = await storedKey(row.id);
    expect(before).to.match(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    // A wrong PIN is counted as before, and leaves the key as it is.
    expect((await refusal(signerFor(user, { pin: '999999' }))).code).to.equal('SIGNING_PIN_WRONG');
    expect((await row.reload()).failedPinCount).to.equal(1);
    expect(await storedKey(row.id)).to.equal(before);

    await expectSigns(await signerFor(user, { pin: TEST_PIN }));
    const after = await storedKey(row.id);
    expect(isWrappedKey(after)).to.equal(true);
    expect(keyOfEnrolled({ encryptedKey: after } as SignerCredential).type).to.equal('private');
    expect(() => openWrappedKey(after, '999999', signingKeySecret())).to.throw(KeyWrapError);
    expect((await row.reload()).failedPinCount).to.equal(0);
    const audits = await AuditLog.findAll({
      where: {
        entityType: 'signer_credential',
        entityId: String(row.id),
        action: 'signing_key.rewrap',
      },
    });
    expect(audits).to.have.length(1);
    expect(audits[0]!.userId).to.equal(user.id);

    // Opened again from the wrapped form: no second re-wrap.
    await expectSigns(await signerFor(user, { pin: TEST_PIN }));
    expect(await storedKey(row.id)).to.equal(after);
    expect(await auditCount(row.id, 'signing_key.rewrap')).to.equal(1);
  });

  it('re-wraps only the key it read: a key changed meanwhile stays', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolledInScrypt(user);
    const read = (await SignerCredential.findByPk(row.id))!;
    // Another request stores another key after this one was read (a PIN change, say).
    const meanwhile = encryptPrivateKey(
      loadSigningKey(read.encryptedKey!, TEST_PIN),
      '135790',
      CHEAP_KDF,
    );
    await SignerCredential.update({ encryptedKey: meanwhile }, { where: { id: row.id } });
    // The PIN opens the key read; the row holds another one by the time it would be saved.
    await openWithPin(read, TEST_PIN, actorOf(user));
    expect(await storedKey(row.id)).to.equal(meanwhile);
    expect(await auditCount(row.id, 'signing_key.rewrap')).to.equal(0);
  });

  it('changes the PIN of a key in the scrypt format into the wrapped one', async () => {
    const user = await buildUser(await buildAgency(), ['leader']);
    const row = await enrolledInScrypt(user);
    await changePin(user.id, TEST_PIN, '135790', actorOf(user));
    const after = await storedKey(row.id);
    expect(isWrappedKey(after)).to.equal(true);
    expect(openWrappedKey(after, '135790', signingKeySecret()).type).to.equal('private');
    expect(await auditCount(row.id, 'signing_key.pin_change')).to.equal(1);
    expect(await auditCount(row.id, 'signing_key.rewrap')).to.equal(0);
    expect((await refusal(signerFor(user, { pin: TEST_PIN }))).code).to.equal('SIGNING_PIN_WRONG');
    await expectSigns(await signerFor(user, { pin: '135790' }));
  });

  it('in production with neither secret: no enrolment (503); a key in the scrypt format still opens and stays', async () => {
    const production = { env: 'production', sealKeySecret: '', signingKeySecret: '' };
    const user = await buildUser(await buildAgency(), ['leader']);
    const refused = await configuredAs(production, () =>
      refusal(enrolServerKey(user.id, TEST_PIN, actorOf(user))),
    );
    expect(refused.code).to.equal('SIGNING_KEY_SECRET_MISSING');
    expect(refused.status).to.equal(503);
    expect(await SignerCredential.count({ where: { userId: user.id } })).to.equal(0);

    const wrapped = await enrolForTest(await buildUser(await buildAgency(), ['leader']));
    const owner = (await wrapped.reload()).userId!;
    const missing = await configuredAs(production, () =>
      refusal(signerFor(owner, { pin: TEST_PIN })),
    );
    expect(missing.code).to.equal('SIGNING_KEY_SECRET_MISSING');
    expect((await wrapped.reload()).failedPinCount).to.equal(0);

    const old = await enrolledInScrypt(user);
    const before = await storedKey(old.id);
    await configuredAs(production, async () =>
      expectSigns(await signerFor(user, { pin: TEST_PIN })),
    );
    expect(await storedKey(old.id)).to.equal(before);
    expect(await auditCount(old.id, 'signing_key.rewrap')).to.equal(0);
  });
});

const actorOf = (user: User) => ({ userId: user.id, ip: null });
