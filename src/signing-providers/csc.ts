import { ProviderError } from './errors.js';
import { cscPost } from './csc-http.js';
import { algorithmOf } from './signature-value.js';
import type {
  SignatureAlgorithm,
  SignatureProvider,
  SignContext,
  SignerCertificate,
} from './types.js';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
/** signAlgo for signatures/signHash: sha256WithRSAEncryption and ecdsa-with-SHA256. */
const SIGN_ALGO_OID: Record<SignatureAlgorithm, string> = {
  'rsa-sha256': '1.2.840.113549.1.1.11',
  'ecdsa-sha256': '1.2.840.10045.4.3.2',
};

export interface CscProviderOptions {
  /** The service's base URL; requests go to `{baseUrl}/csc/v2/...`. */
  baseUrl: string;
  /** A configured OAuth 2.0 access token; else one is obtained with the client credentials. */
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** OAuth 2.0 token endpoint; default `{baseUrl}/oauth2/token`. */
  tokenUrl?: string;
  /** The signer's credential on the service; without it the only credential of `userId` is used. */
  credentialId?: string;
  userId?: string;
  /** Time one HTTP request may take. */
  timeoutMs?: number;
  /** How often an asynchronous approval is checked. */
  pollIntervalMs?: number;
  /** How long the signer has to approve on their device before REMOTE_TIMEOUT. */
  approvalTimeoutMs?: number;
}

interface Credential extends SignerCertificate {
  credentialId: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ProviderError('ABORTED', 'cancelled'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ProviderError('ABORTED', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Remote signing over the Cloud Signature Consortium API v2: credentials/list and
 * credentials/info for the certificate, credentials/authorize for the SAD (with asynchronous
 * approval: an answer without SAD but with a `transactionID` is polled with
 * credentials/authorizeCheck until the signer approves, refuses or `approvalTimeoutMs` passes),
 * then signatures/signHash. The PIN, when given, goes as `authData` and is not kept.
 */
export function cscProvider(options: CscProviderOptions): SignatureProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base))
    throw new ProviderError('PROVIDER_UNAVAILABLE', `CSC base URL must be http(s): ${base}`);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const approvalTimeoutMs = options.approvalTimeoutMs ?? 120_000;
  let token: { value: string; expiresAt: number } | undefined = options.accessToken
    ? { value: options.accessToken, expiresAt: Infinity }
    : undefined;
  let credential: Credential | undefined;

  async function accessToken(signal?: AbortSignal): Promise<string | undefined> {
    if (token && token.expiresAt > Date.now()) return token.value;
    if (!options.clientId) return undefined;
    const { body } = await cscPost({
      url: options.tokenUrl || `${base}/oauth2/token`,
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      basicAuth: { user: options.clientId, password: options.clientSecret ?? '' },
      timeoutMs,
      signal,
    });
    const value = str(body.access_token);
    if (!value) throw new ProviderError('REMOTE_ERROR', 'oauth2/token: no access_token');
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    token = { value, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 };
    return value;
  }

  async function call(method: string, body: Record<string, unknown>, signal?: AbortSignal) {
    const post = async () =>
      cscPost({
        url: `${base}/csc/v2/${method}`,
        body,
        bearer: await accessToken(signal),
        timeoutMs,
        signal,
      });
    try {
      return await post();
    } catch (e) {
      // A token obtained here may have been revoked or expired early: ask once for a new one.
      if (!(e instanceof ProviderError && e.code === 'REMOTE_UNAUTHORIZED')) throw e;
      if (!options.clientId || token?.expiresAt === Infinity) throw e;
      token = undefined;
      return post();
    }
  }

  async function loadCredential(signal?: AbortSignal): Promise<Credential> {
    if (credential) return credential;
    let credentialId = options.credentialId;
    if (!credentialId) {
      const { body } = await call(
        'credentials/list',
        options.userId ? { userID: options.userId } : {},
        signal,
      );
      const ids = Array.isArray(body.credentialIDs) ? body.credentialIDs.filter(str) : [];
      if (ids.length !== 1)
        throw new ProviderError(
          'CREDENTIAL_NOT_FOUND',
          `credentials/list: ${ids.length} credentials; configure the credential ID`,
        );
      credentialId = ids[0] as string;
    }
    const { body } = await call(
      'credentials/info',
      { credentialID: credentialId, certificates: 'chain', certInfo: false, authInfo: true },
      signal,
    );
    const cert = (body.cert ?? {}) as { status?: string; certificates?: unknown };
    const certificates = Array.isArray(cert.certificates)
      ? cert.certificates.filter(str).map((b) => Buffer.from(b as string, 'base64'))
      : [];
    if (certificates.length === 0)
      throw new ProviderError('REMOTE_ERROR', 'credentials/info: no certificate');
    const key = (body.key ?? {}) as { status?: string };
    if (key.status && key.status !== 'enabled')
      throw new ProviderError('CREDENTIAL_NOT_FOUND', `credentials/info: key ${key.status}`);
    const [certificate, ...chain] = certificates;
    credential = {
      credentialId,
      certificate: certificate!,
      chain,
      algorithm: algorithmOf(certificate!),
    };
    return credential;
  }

  async function authorize(credentialId: string, hash: string, ctx: SignContext): Promise<string> {
    const deadline = Date.now() + approvalTimeoutMs;
    const request: Record<string, unknown> = {
      credentialID: credentialId,
      numSignatures: 1,
      hashes: [hash],
      hashAlgorithmOID: SHA256_OID,
    };
    if (ctx.description) request.description = ctx.description;
    if (ctx.pin) request.authData = [{ id: 'PIN', value: ctx.pin }];
    let { body } = await call('credentials/authorize', request, ctx.signal);
    const transactionId = str(body.transactionID);
    while (!str(body.SAD)) {
      if (!transactionId)
        throw new ProviderError(
          'REMOTE_ERROR',
          'credentials/authorize: neither SAD nor transactionID',
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new ProviderError(
          'REMOTE_TIMEOUT',
          `the signer did not approve within ${approvalTimeoutMs} ms`,
        );
      await sleep(Math.min(pollIntervalMs, left), ctx.signal);
      if (Date.now() >= deadline) continue;
      ({ body } = await call(
        'credentials/authorizeCheck',
        { credentialID: credentialId, transactionID: transactionId },
        ctx.signal,
      ));
    }
    return str(body.SAD)!;
  }

  return {
    kind: 'csc',
    async certificate(signal?: AbortSignal) {
      const { certificate, chain, algorithm } = await loadCredential(signal);
      return { certificate, chain: [...chain], algorithm };
    },
    async signDigest(digest: Buffer, ctx: SignContext = {}) {
      const { credentialId, algorithm } = await loadCredential(ctx.signal);
      const hash = digest.toString('base64');
      const sad = await authorize(credentialId, hash, ctx);
      const { body } = await call(
        'signatures/signHash',
        {
          credentialID: credentialId,
          SAD: sad,
          hashes: [hash],
          hashAlgorithmOID: SHA256_OID,
          signAlgo: SIGN_ALGO_OID[algorithm],
        },
        ctx.signal,
      );
      const signatures = Array.isArray(body.signatures) ? body.signatures : [];
      const value = str(signatures[0]);
      if (signatures.length !== 1 || !value)
        throw new ProviderError('REMOTE_ERROR', 'signatures/signHash: expected one signature');
      return Buffer.from(value, 'base64');
    },
  };
}

/** What a CSC service says of itself (`info`), for an administrator's connection check. */
export interface CscServiceInfo {
  name: string;
  specs: string;
  methods: string[];
}

/**
 * Asks the service's `info` (no token needed) and checks it offers what cscProvider calls;
 * a service without signatures/signHash or credentials/authorize is REMOTE_ERROR.
 */
export async function cscServiceInfo(
  options: Pick<CscProviderOptions, 'baseUrl' | 'timeoutMs'>,
  signal?: AbortSignal,
): Promise<CscServiceInfo> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const { body } = await cscPost({
    url: `${base}/csc/v2/info`,
    body: { lang: 'vi-VN' },
    timeoutMs: options.timeoutMs ?? 10_000,
    signal,
  });
  const methods = Array.isArray(body.methods) ? body.methods.filter(str) : [];
  const missing = ['credentials/info', 'credentials/authorize', 'signatures/signHash'].filter(
    (m) => !methods.includes(m),
  );
  if (missing.length)
    throw new ProviderError('REMOTE_ERROR', `info: the service lacks ${missing.join(', ')}`);
  return { name: str(body.name) ?? '', specs: str(body.specs) ?? '', methods };
}
