import { expect } from 'chai';
import { createServer } from 'node:net';
import {
  createProvider,
  cscServiceInfo,
  signPdfWith,
  type CscProviderOptions,
} from '../../../src/signing-providers/index.js';
import { loadConfig } from '../../../src/config.js';
import { startCscServer, type CscTestServer } from '../../helpers/csc-server.js';
import { FIXED_NOW, makePdf, testPki } from '../signing/helpers/index.js';
import { expectProviderError, expectValidlySigned } from './helpers.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('signature providers: remote signing over CSC API v2', () => {
  const pki = testPki();
  let pdf: Buffer;
  let csc: CscTestServer;

  const provider = (overrides: Partial<CscProviderOptions> = {}) =>
    createProvider({
      kind: 'csc',
      baseUrl: csc.baseUrl,
      clientId: csc.clientId,
      clientSecret: csc.clientSecret,
      credentialId: csc.credentialId,
      timeoutMs: 2_000,
      pollIntervalMs: 20,
      approvalTimeoutMs: 2_000,
      ...overrides,
    });
  const sign = (p = provider(), extra: { pin?: string; signal?: AbortSignal } = {}) =>
    signPdfWith(p, pdf, {
      signingTime: FIXED_NOW,
      description: 'Quyết định số 15/QĐ-UBND',
      ...extra,
    });
  const calls = (path: string) => csc.requests.filter((r) => r.path === path);

  before(async () => {
    pdf = await makePdf();
  });
  beforeEach(async () => {
    csc = await startCscServer({
      key: pki.rsaSigner.key,
      certificate: pki.rsaSigner.cert,
      chain: [pki.root.cert],
    });
  });
  afterEach(() => csc.close());

  it('signs with the SAD given at once; the PDF is valid under the test root', async () => {
    const out = await sign();
    expectValidlySigned(out, pdf, 'Nguyễn Thị Hằng');
    const [authorize] = calls('/csc/v2/credentials/authorize');
    expect(authorize!.body.description).to.equal('Quyết định số 15/QĐ-UBND');
    expect(authorize!.body.hashAlgorithmOID).to.equal('2.16.840.1.101.3.4.2.1');
    expect(authorize!.authorization).to.match(/^Bearer [0-9a-f]{32}$/);
    expect(calls('/oauth2/token')).to.have.length(1);
    expect(calls('/csc/v2/signatures/signHash')[0]!.body.signAlgo).to.equal(
      '1.2.840.113549.1.1.11',
    );
  });

  it('waits for the signer to approve on their device, polling authorizeCheck', async () => {
    csc.behaviour.approvalDelayMs = 250;
    const started = Date.now();
    const out = await sign();
    expect(Date.now() - started).to.be.at.least(250);
    expectValidlySigned(out, pdf, 'Nguyễn Thị Hằng');
    expect(calls('/csc/v2/credentials/authorizeCheck').length).to.be.at.least(2);
  });

  it('finds the only credential with credentials/list when none is configured', async () => {
    const out = await sign(provider({ credentialId: undefined }));
    expectValidlySigned(out, pdf, 'Nguyễn Thị Hằng');
    expect(calls('/csc/v2/credentials/list')).to.have.length(1);
  });

  it('reports the signer refusing on their device as REMOTE_REFUSED', async () => {
    csc.behaviour.approvalDelayMs = 50;
    csc.behaviour.decision = 'refuse';
    const err = await expectProviderError(sign(), 'REMOTE_REFUSED');
    expect(err.vi).to.equal('Người ký đã từ chối yêu cầu ký số');
    expect(calls('/csc/v2/signatures/signHash')).to.have.length(0);
  });

  it('reports an expired SAD as REMOTE_EXPIRED', async () => {
    csc.behaviour.sadLifetimeMs = 0;
    await expectProviderError(sign(), 'REMOTE_EXPIRED');
    expect(calls('/csc/v2/signatures/signHash')).to.have.length(1);
  });

  it('gives up with REMOTE_TIMEOUT when approval never comes, within the configured bound', async () => {
    csc.behaviour.decision = 'never';
    const started = Date.now();
    await expectProviderError(sign(provider({ approvalTimeoutMs: 300 })), 'REMOTE_TIMEOUT');
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.at.least(300);
    expect(elapsed).to.be.below(1_000);
    expect(calls('/csc/v2/signatures/signHash')).to.have.length(0);
  });

  it('gives up with REMOTE_TIMEOUT when the service answers too slowly', async () => {
    csc.behaviour.responseDelayMs = 500;
    const started = Date.now();
    await expectProviderError(sign(provider({ timeoutMs: 100 })), 'REMOTE_TIMEOUT');
    expect(Date.now() - started).to.be.below(450);
  });

  it('reports a service that is down as PROVIDER_UNAVAILABLE', async () => {
    const port = await closedPort();
    await expectProviderError(
      sign(provider({ baseUrl: `http://127.0.0.1:${port}` })),
      'PROVIDER_UNAVAILABLE',
    );
  });

  it('reports an unknown credential as CREDENTIAL_NOT_FOUND', async () => {
    await expectProviderError(sign(provider({ credentialId: 'nobody' })), 'CREDENTIAL_NOT_FOUND');
  });

  it('reports refused client credentials as REMOTE_UNAUTHORIZED', async () => {
    await expectProviderError(sign(provider({ clientSecret: 'wrong' })), 'REMOTE_UNAUTHORIZED');
  });

  it('sends the PIN as authData, never kept: a wrong one is WRONG_PIN', async () => {
    csc.behaviour.pin = '246810';
    await expectProviderError(sign(provider(), { pin: '000000' }), 'WRONG_PIN');
    const p = provider();
    expectValidlySigned(await sign(p, { pin: '246810' }), pdf, 'Nguyễn Thị Hằng');
    await expectProviderError(sign(p), 'WRONG_PIN');
  });

  it('uses a configured access token without asking for one', async () => {
    const p = provider();
    await sign(p);
    const token = calls('/csc/v2/signatures/signHash')[0]!.authorization!.slice('Bearer '.length);
    const out = await sign(provider({ clientId: undefined, accessToken: token }));
    expectValidlySigned(out, pdf, 'Nguyễn Thị Hằng');
    expect(calls('/oauth2/token')).to.have.length(1);
  });

  it('refuses a signature the service made with another key (SIGNATURE_MISMATCH)', async () => {
    csc.behaviour.wrongKey = pki.seal.key;
    await expectProviderError(sign(), 'SIGNATURE_MISMATCH');
  });

  it('stops waiting when the caller aborts (ABORTED)', async () => {
    csc.behaviour.decision = 'never';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expectProviderError(sign(provider(), { signal: controller.signal }), 'ABORTED');
    expect(Date.now() - started).to.be.below(1_000);
  });

  it('asks once for a new access token when the service no longer knows the old one', async () => {
    const p = provider();
    await sign(p);
    csc.revokeTokens();
    expectValidlySigned(await sign(p), pdf, 'Nguyễn Thị Hằng');
    expect(calls('/oauth2/token')).to.have.length(2);
  });

  it('does not retry a configured access token the service refuses', async () => {
    await expectProviderError(
      sign(provider({ clientId: undefined, accessToken: 'revoked' })),
      'REMOTE_UNAUTHORIZED',
    );
    expect(calls('/csc/v2/credentials/info')).to.have.length(1);
  });

  it('signs with an ECDSA P-256 credential whose service answers r||s: valid', async () => {
    await csc.close();
    csc = await startCscServer({
      key: pki.ecSigner.key,
      certificate: pki.ecSigner.cert,
      chain: [pki.root.cert],
    });
    const p = provider();
    expect(p.kind).to.equal('csc');
    expect((await p.certificate()).algorithm).to.equal('ecdsa-sha256');
    expectValidlySigned(await sign(p), pdf, 'Trần Văn Bình');
    expect(calls('/csc/v2/signatures/signHash')[0]!.body.signAlgo).to.equal('1.2.840.10045.4.3.2');
  });

  it('takes its settings from the CSC_* configuration keys, the credential being the user’s', async () => {
    const config = loadConfig({
      SESSION_SECRET: 'test',
      CSC_BASE_URL: csc.baseUrl + '/',
      CSC_CLIENT_ID: csc.clientId,
      CSC_CLIENT_SECRET: csc.clientSecret,
      CSC_APPROVAL_TIMEOUT_MS: '5000',
    });
    expect(config.csc).to.include({ timeoutMs: 10_000, pollIntervalMs: 2_000, tokenUrl: '' });
    const p = createProvider({ kind: 'csc', ...config.csc!, credentialId: csc.credentialId });
    expectValidlySigned(await sign(p), pdf, 'Nguyễn Thị Hằng');
    expect(loadConfig({ SESSION_SECRET: 'test' }).csc).to.equal(null);
  });

  it('checks the service with info for an administrator, refusing one without signHash', async () => {
    const info = await cscServiceInfo({ baseUrl: csc.baseUrl });
    expect(info).to.include({ name: 'Dịch vụ ký số thử nghiệm', specs: '2.0.0.2' });
    expect(info.methods).to.include('credentials/authorizeCheck');
    csc.behaviour.methods = ['credentials/list', 'credentials/info'];
    await expectProviderError(cscServiceInfo({ baseUrl: csc.baseUrl }), 'REMOTE_ERROR');
  });
});
