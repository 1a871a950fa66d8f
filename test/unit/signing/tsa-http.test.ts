import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { httpTimestampProvider } from '../../../src/pki/index.js';
import { children, content, int, readNode, seq } from '../../../src/signing/cms/der.js';
import {
  encodeTimestampRequest,
  signPdf,
  SigningError,
  verifyPdf,
} from '../../../src/signing/index.js';
import { FIXED_NOW, FakeTsa, makePdf, signerOf, testPki } from './helpers/index.js';

const pki = testPki();

/** A local RFC 3161 authority over HTTP, answering with the given status (0 = granted). */
function startTsaServer(
  tsa: FakeTsa,
  status = 0,
): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      seen.push(String(req.headers['content-type']));
      const body = Buffer.concat(chunks);
      const request = children(body, readNode(body, 0));
      const imprint = children(body, request[1]!);
      const digest = Buffer.from(content(body, imprint[1]!));
      const statusInfo = seq(int(status));
      const answer = status === 0 ? seq(statusInfo, await tsa.timestamp(digest)) : seq(statusInfo);
      res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(answer);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`,
        seen,
      }),
    ),
  );
}

describe('timestamp authority over HTTP (TSA_URL)', () => {
  it('encodes a TimeStampReq with the SHA-256 imprint, a positive nonce and certReq', () => {
    const digest = Buffer.alloc(32, 7);
    const der = encodeTimestampRequest(digest, Buffer.from([0x80, 1, 2, 3]));
    const parts = children(der, readNode(der, 0));
    expect(parts.map((p) => p.tag)).to.deep.equal([0x02, 0x30, 0x02, 0x01]);
    expect(content(der, children(der, parts[1]!)[1]!).equals(digest)).to.equal(true);
    expect(content(der, parts[2]!)[0]).to.equal(0); // leading zero keeps the nonce positive
  });

  it('signs PAdES B-T with a token fetched from the configured authority, and it verifies', async () => {
    const tsaTime = new Date(FIXED_NOW.getTime() + 3000);
    const { server, url, seen } = await startTsaServer(
      new FakeTsa(pki.tsa, [pki.root.cert], () => tsaTime),
    );
    try {
      const out = await signPdf(await makePdf(), {
        signer: signerOf(pki.rsaSigner),
        signingTime: FIXED_NOW,
        timestamp: httpTimestampProvider(url),
      });
      expect(seen).to.deep.equal(['application/timestamp-query']);
      const report = verifyPdf(out, { trustAnchors: [pki.root.cert], now: FIXED_NOW });
      expect(report.signatures[0]!.timestamp).to.deep.include({
        genTime: tsaTime.toISOString(),
        imprintValid: true,
        signatureValid: true,
      });
      expect(report.valid).to.equal(true);
    } finally {
      server.close();
    }
  });

  it('refuses with TIMESTAMP_FAILED when the authority rejects the request or cannot be reached', async () => {
    const { server, url } = await startTsaServer(
      new FakeTsa(pki.tsa, [pki.root.cert], () => FIXED_NOW),
      2,
    );
    try {
      const pdf = await makePdf();
      const rejected = await signPdf(pdf, {
        signer: signerOf(pki.rsaSigner),
        timestamp: httpTimestampProvider(url),
      }).catch((err: unknown) => err);
      expect(rejected).to.be.instanceOf(SigningError);
      expect((rejected as SigningError).code).to.equal('TIMESTAMP_FAILED');
      expect((rejected as SigningError).message).to.contain('status 2');
    } finally {
      server.close();
    }
    const unreachable = await signPdf(await makePdf(), {
      signer: signerOf(pki.rsaSigner),
      timestamp: httpTimestampProvider('http://127.0.0.1:9/tsa', 2000),
    }).catch((err: unknown) => err);
    expect((unreachable as SigningError).code).to.equal('TIMESTAMP_FAILED');
  });
});
