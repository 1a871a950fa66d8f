import { createHash, sign } from 'node:crypto';
import { generalizedTime, int, octets, oid, seq } from '../../../../src/signing/cms/der.js';
import { OID } from '../../../../src/signing/cms/oids.js';
import {
  buildSignedAttributes,
  buildSignedData,
  sha256AlgId,
} from '../../../../src/signing/cms/signed-data.js';
import type { TimestampProvider } from '../../../../src/signing/index.js';
import type { TestIdentity } from './pki.js';

/** A local RFC 3161 authority: TSTInfo signed by a test TSA certificate. */
export class FakeTsa implements TimestampProvider {
  private serial = 1;
  readonly requests: Buffer[] = [];

  constructor(
    private readonly tsa: TestIdentity,
    private readonly chain: Buffer[],
    private readonly clock: () => Date,
  ) {}

  async timestamp(digest: Buffer): Promise<Buffer> {
    this.requests.push(digest);
    const tstInfo = seq(
      int(1),
      oid('1.3.6.1.4.1.99999.1.1'),
      seq(sha256AlgId(), octets(digest)),
      int(this.serial++),
      generalizedTime(this.clock()),
    );
    const signedAttributes = buildSignedAttributes({
      certificate: this.tsa.cert,
      signatureAlgorithm: this.tsa.keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
      messageDigest: createHash('sha256').update(tstInfo).digest(),
      contentType: OID.tstInfo,
    });
    return buildSignedData({
      certificate: this.tsa.cert,
      chain: this.chain,
      signatureAlgorithm: this.tsa.keyType === 'rsa' ? 'rsa-sha256' : 'ecdsa-sha256',
      signedAttributes,
      signature: sign('sha256', signedAttributes, this.tsa.key),
      eContent: { type: OID.tstInfo, content: tstInfo },
    });
  }
}
