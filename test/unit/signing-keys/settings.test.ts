import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { AppError } from '../../../src/http/app-error.js';
import {
  configureSigningKeys,
  signingKeySecret,
  signingSettings,
  type SigningKeysConfig,
} from '../../../src/signing-keys/settings.js';

const base: SigningKeysConfig = {
  env: 'development',
  certsDir: '/nonexistent',
  caPassphrase: '',
  sessionSecret: 'a session secret',
  sealKeySecret: '',
  signingKeySecret: '',
  csc: null,
  signingTokenEnabled: false,
  baseUrl: 'http://localhost:3000',
  tsaUrl: '',
};

function secretWith(change: Partial<SigningKeysConfig>): Buffer {
  configureSigningKeys({ ...base, ...change });
  return signingKeySecret();
}

function refusedWith(change: Partial<SigningKeysConfig>): AppError {
  try {
    secretWith(change);
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return e as AppError;
  }
  return expect.fail('expected a refusal');
}

describe('the server secret personal signing keys are wrapped under (SIGNING_KEY_SECRET)', () => {
  let saved: SigningKeysConfig | null = null;
  before(() => {
    try {
      saved = signingSettings().config;
    } catch {
      saved = null;
    }
  });
  after(() => {
    if (saved) configureSigningKeys(saved);
  });

  it('is SIGNING_KEY_SECRET when set, in any environment, whatever the other secrets', () => {
    const set = { signingKeySecret: 'sixteen chars ok', sealKeySecret: 'a seal secret' };
    expect(secretWith(set).toString()).to.equal('sixteen chars ok');
    expect(secretWith({ ...set, env: 'production', sessionSecret: 'other' }).toString()).to.equal(
      'sixteen chars ok',
    );
  });

  it('refuses a SIGNING_KEY_SECRET under 16 characters (503)', () => {
    const refused = refusedWith({ signingKeySecret: 'fifteen chars..', env: 'production' });
    expect(refused.code).to.equal('SIGNING_KEY_SECRET_MISSING');
    expect(refused.status).to.equal(503);
    expect(refusedWith({ signingKeySecret: 'short' }).code).to.equal('SIGNING_KEY_SECRET_MISSING');
  });

  it('without it, derives one from SEAL_KEY_SECRET for its own purpose, the same in production and outside', () => {
    const seal = { sealKeySecret: 'the agency seal secret' };
    const expected = createHmac('sha256', 'the agency seal secret')
      .update('eoffice:signing-key-secret')
      .digest();
    expect(secretWith({ ...seal, env: 'production' })).to.deep.equal(expected);
    expect(secretWith({ ...seal, env: 'development' })).to.deep.equal(expected);
    expect(secretWith({ ...seal, sessionSecret: 'another session' })).to.deep.equal(expected);
    expect(expected.toString('hex')).not.to.contain(
      Buffer.from(seal.sealKeySecret).toString('hex'),
    );
  });

  it('outside production with neither, derives one from the session secret', () => {
    const one = secretWith({});
    expect(secretWith({})).to.deep.equal(one);
    expect(secretWith({ sessionSecret: 'another session' })).not.to.deep.equal(one);
    expect(one).not.to.deep.equal(secretWith({ sealKeySecret: 'a seal secret' }));
  });

  it('in production with neither, refuses (503)', () => {
    const refused = refusedWith({ env: 'production' });
    expect(refused.code).to.equal('SIGNING_KEY_SECRET_MISSING');
    expect(refused.status).to.equal(503);
  });
});
