import { expect } from 'chai';
import { formatReport, signPdf, verifyPdf } from '../../../src/signing/index.js';
import { PdfReader } from '../../../src/signing/pdf/reader.js';
import { appendRaw, forgeSignature } from './helpers/forge.js';
import { FIXED_NOW, makePdf, signerOf, testPki } from './helpers/index.js';

/*
 * A certification's level is the one its signer signed. When its /TransformParams is an
 * indirect object, a later revision can rewrite that object: the rewrite is a change to judge,
 * and the level the later revisions are judged against stays the signed one.
 */

const pki = testPki();
const opts = () => ({ trustAnchors: [pki.root.cert], now: FIXED_NOW });

describe('signing: DocMDP level as signed', () => {
  it('an indirect /TransformParams rewritten from P=1 to P=2 does not open the document to signatures', async () => {
    const base = await makePdf();
    const params = new PdfReader(base).size;
    const prepared = appendRaw(base, {
      objects: { [params]: '<< /Type /TransformParams /P 1 /V /1.2 >>' },
    }).pdf;
    const certified = forgeSignature(prepared, {
      extraEntries: {
        Reference: `[<< /Type /SigRef /TransformMethod /DocMDP /TransformParams ${params} 0 R >>]`,
      },
      certifyCatalog: true,
    });
    expect(verifyPdf(certified, opts()).certification).to.equal(1);
    const loosened = appendRaw(certified, {
      objects: { [params]: '<< /Type /TransformParams /P 2 /V /1.2 >>' },
    }).pdf;
    const countersigned = await signPdf(loosened, {
      signer: signerOf(pki.ecSigner),
      signingTime: FIXED_NOW,
    });
    const report = verifyPdf(countersigned, opts());
    expect(report.valid, formatReport(report)).to.equal(false);
    expect(report.certification, formatReport(report)).to.equal(1);
    const signature = report.signatures[0]!.modificationsAfter.find((m) => m.kind === 'signature');
    expect(signature?.permitted, formatReport(report)).to.equal(false);
  });
});
