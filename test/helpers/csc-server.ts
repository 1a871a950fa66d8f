import { constants, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ecdsaP256SignHash } from './ecdsa-prehash.js';

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const SIGN_ALGO = { rsa: '1.2.840.113549.1.1.11', ec: '1.2.840.10045.4.3.2' } as const;

/** How the test service behaves; every field can be changed between tests. */
export interface CscServerBehaviour {
  /** 0: credentials/authorize answers with the SAD at once; else the signer approves after this many ms. */
  approvalDelayMs: number;
  /** What the signer does on their phone once the delay has passed. */
  decision: 'approve' | 'refuse' | 'never';
  /** Lifetime of a SAD; 0 makes it expired by the time signHash sees it. */
  sadLifetimeMs: number;
  /** Delay before every answer (to make requests time out). */
  responseDelayMs: number;
  /** PIN required in authData, when set. */
  pin?: string;
  /** Methods `info` lists. */
  methods: string[];
  /** Sign with another key than the certificate's (a broken or hostile service). */
  wrongKey?: KeyObject;
}

export interface CscServerOptions {
  key: KeyObject;
  certificate: Buffer;
  chain: Buffer[];
  credentialId?: string;
  clientId?: string;
  clientSecret?: string;
  behaviour?: Partial<CscServerBehaviour>;
}

export interface CscRequestLog {
  path: string;
  authorization?: string;
  body: Record<string, any>;
}

export interface CscTestServer {
  baseUrl: string;
  credentialId: string;
  clientId: string;
  clientSecret: string;
  behaviour: CscServerBehaviour;
  requests: CscRequestLog[];
  /** Forgets every access token issued so far (as a service restart or revocation would). */
  revokeTokens(): void;
  close(): Promise<void>;
}

interface Transaction {
  hash: string;
  readyAt: number;
}

/**
 * A Cloud Signature Consortium API v2 service on 127.0.0.1 (random port) for the tests: OAuth 2.0
 * client credentials, info, credentials/list, credentials/info, credentials/authorize (with the
 * signer's asynchronous approval polled by credentials/authorizeCheck), signatures/signHash.
 * It signs as an HSM does: RSA pads DigestInfo(SHA-256, hash) (CKM_RSA_PKCS), ECDSA P-256 signs
 * the hash and answers r||s (CKM_ECDSA).
 */
export async function startCscServer(options: CscServerOptions): Promise<CscTestServer> {
  const credentialId = options.credentialId ?? 'cred-' + randomBytes(4).toString('hex');
  const clientId = options.clientId ?? 'eoffice';
  const clientSecret = options.clientSecret ?? 'secret-' + randomBytes(4).toString('hex');
  const behaviour: CscServerBehaviour = {
    approvalDelayMs: 0,
    decision: 'approve',
    sadLifetimeMs: 60_000,
    responseDelayMs: 0,
    methods: [
      'credentials/list',
      'credentials/info',
      'credentials/authorize',
      'credentials/authorizeCheck',
      'signatures/signHash',
    ],
    ...options.behaviour,
  };
  const tokens = new Set<string>();
  const transactions = new Map<string, Transaction>();
  const sads = new Map<string, { hash: string; expiresAt: number }>();
  const requests: CscRequestLog[] = [];
  const keyType = options.key.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';

  const issueSad = (hash: string) => {
    const sad = randomBytes(16).toString('hex');
    sads.set(sad, { hash, expiresAt: Date.now() + behaviour.sadLifetimeMs });
    return { SAD: sad, expiresIn: Math.floor(behaviour.sadLifetimeMs / 1000) };
  };

  type Handler = (body: Record<string, any>) => [number, Record<string, unknown>];
  const error = (status: number, code: string, description: string): [number, any] => [
    status,
    { error: code, error_description: description },
  ];
  const checkCredential = (body: Record<string, any>) =>
    body.credentialID === credentialId
      ? undefined
      : error(400, 'invalid_request', 'Invalid parameter credentialID');

  const handlers: Record<string, Handler> = {
    '/csc/v2/info': () => [
      200,
      {
        specs: '2.0.0.2',
        name: 'Dịch vụ ký số thử nghiệm',
        region: 'VN',
        lang: 'vi-VN',
        authType: ['oauth2client'],
        methods: behaviour.methods,
      },
    ],
    '/csc/v2/credentials/list': () => [200, { credentialIDs: [credentialId] }],
    '/csc/v2/credentials/info': (body) =>
      checkCredential(body) ?? [
        200,
        {
          key: { status: 'enabled', algo: [SIGN_ALGO[keyType]] },
          cert: {
            status: 'valid',
            certificates: [options.certificate, ...options.chain].map((c) => c.toString('base64')),
          },
          auth: { mode: 'explicit' },
          multisign: 1,
        },
      ],
    '/csc/v2/credentials/authorize': (body) => {
      const bad = checkCredential(body);
      if (bad) return bad;
      if (body.hashAlgorithmOID !== SHA256_OID || !Array.isArray(body.hashes))
        return error(400, 'invalid_request', 'Invalid parameter hashes');
      if (behaviour.pin !== undefined) {
        const pin = (body.authData ?? []).find((a: any) => a.id === 'PIN')?.value;
        if (pin !== behaviour.pin) return error(400, 'invalid_request', 'The PIN is invalid');
      }
      if (behaviour.approvalDelayMs === 0 && behaviour.decision === 'approve')
        return [200, issueSad(body.hashes[0])];
      const transactionID = randomBytes(8).toString('hex');
      transactions.set(transactionID, {
        hash: body.hashes[0],
        readyAt: Date.now() + behaviour.approvalDelayMs,
      });
      return [202, { transactionID }];
    },
    '/csc/v2/credentials/authorizeCheck': (body) => {
      const bad = checkCredential(body);
      if (bad) return bad;
      const tx = transactions.get(body.transactionID);
      if (!tx) return error(400, 'invalid_request', 'Invalid parameter transactionID');
      if (behaviour.decision === 'never' || Date.now() < tx.readyAt)
        return [202, { status: 'pending' }];
      transactions.delete(body.transactionID);
      if (behaviour.decision === 'refuse')
        return error(400, 'access_denied', 'The user refused the authorization');
      return [200, issueSad(tx.hash)];
    },
    '/csc/v2/signatures/signHash': (body) => {
      const bad = checkCredential(body);
      if (bad) return bad;
      const sad = sads.get(body.SAD);
      if (!sad) return error(400, 'invalid_request', 'Invalid parameter SAD');
      sads.delete(body.SAD);
      if (Date.now() >= sad.expiresAt) return error(400, 'invalid_request', 'SAD expired');
      if (body.signAlgo !== SIGN_ALGO[keyType] || body.hashAlgorithmOID !== SHA256_OID)
        return error(400, 'invalid_request', 'Invalid parameter signAlgo');
      if (body.hashes?.length !== 1 || body.hashes[0] !== sad.hash)
        return error(400, 'invalid_request', 'Hash not authorized by the SAD');
      const hash = Buffer.from(body.hashes[0], 'base64');
      if (keyType === 'ec') {
        const signature = ecdsaP256SignHash(behaviour.wrongKey ?? options.key, hash);
        return [200, { signatures: [signature.toString('base64')] }];
      }
      const signature = privateEncrypt(
        { key: behaviour.wrongKey ?? options.key, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([DIGEST_INFO_PREFIX, hash]),
      );
      return [200, { signatures: [signature.toString('base64')] }];
    },
  };

  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    const path = (req.url ?? '').split('?')[0]!;
    let body: Record<string, any> = {};
    try {
      body =
        req.headers['content-type'] === 'application/x-www-form-urlencoded'
          ? Object.fromEntries(new URLSearchParams(text))
          : JSON.parse(text || '{}');
    } catch {
      return send(res, 400, { error: 'invalid_request', error_description: 'Malformed JSON' });
    }
    requests.push({ path, authorization: req.headers.authorization, body });
    if (behaviour.responseDelayMs > 0)
      await new Promise((r) => setTimeout(r, behaviour.responseDelayMs));
    if (res.destroyed) return;
    if (req.method !== 'POST') return send(res, 405, { error: 'invalid_request' });
    if (path === '/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      if (body.grant_type !== 'client_credentials' || req.headers.authorization !== expected)
        return send(res, 401, { error: 'invalid_client', error_description: 'Bad client' });
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }
    const handler = handlers[path];
    if (!handler)
      return send(res, 404, { error: 'invalid_request', error_description: 'Not found' });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (path !== '/csc/v2/info' && (!bearer || !tokens.has(bearer)))
      return send(res, 401, { error: 'invalid_token', error_description: 'Invalid access token' });
    const [status, answer] = handler(body);
    send(res, status, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    credentialId,
    clientId,
    clientSecret,
    behaviour,
    requests,
    revokeTokens: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
