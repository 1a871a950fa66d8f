import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signPdf } from '../../../src/signing/index.js';
import { FIXED_NOW, hasTool, makePdf, signatureImage, signerOf, testPki } from './helpers/index.js';

const pki = testPki();

describe('stamp text extracts as written, whatever the process drew before', () => {
  it('maps a letter first embedded as part of an accented one (Ø inside Ǿ) to itself', async function () {
    if (!hasTool('pdftotext')) this.skip();
    const pdf = await makePdf({ pages: 1 });
    const sign = (title: string) =>
      signPdf(pdf, {
        signer: signerOf(pki.rsaSigner),
        signingTime: FIXED_NOW,
        appearance: {
          kind: 'leader',
          page: 1,
          rect: [320, 120, 230, 150],
          image: signatureImage(),
          title,
          name: 'Nguyễn Thị Hằng',
        },
      });
    // The first stamp's font subset embeds Ǿ, and with it the glyph Ø it is built from.
    await sign('Ǿ');
    const file = join(mkdtempSync(join(tmpdir(), 'stamp-text-')), 'signed.pdf');
    writeFileSync(file, await sign('TRƯỞNG BAN Ø'));
    const text = execFileSync('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    });
    expect(text).to.include('TRƯỞNG BAN Ø');
  });
});
