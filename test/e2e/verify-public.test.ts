import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { addTrustAnchor } from '../../src/pki/trust.js';
import { signPdf } from '../../src/signing/index.js';
import { sharedServer, type E2EServer } from '../helpers/e2e-server.js';
import { launchBrowser, openWindow, screenshot } from '../helpers/e2e-browser.js';
import { makePdf, signerOf, testPki } from '../unit/signing/helpers/index.js';

describe('e2e: the public signature check, without signing in', function () {
  let server: E2EServer;
  let browser: Browser;
  const pki = testPki();

  before(async function () {
    browser = await launchBrowser(this);
    server = await sharedServer();
    addTrustAnchor(server.env.CERTS_DIR!, pki.root.cert, 'e2e-test-root');
  });
  after(async () => {
    await browser?.close();
  });

  it('leads from the sign-in page to /verify, checks an uploaded signed PDF and shows the verdict', async () => {
    const { page, context } = await openWindow(browser, server.baseUrl);
    await page.goto('/login');
    await page.getByRole('link', { name: /Kiểm tra chữ ký số của một văn bản PDF/ }).click();
    await page.waitForURL('**/verify');
    const signed = await signPdf(await makePdf(), { signer: signerOf(pki.rsaSigner) });
    await page
      .getByLabel('Tệp PDF cần kiểm tra')
      .setInputFiles({ name: 'quyet-dinh.pdf', mimeType: 'application/pdf', buffer: signed });
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await page.getByText('Văn bản có chữ ký số hợp lệ').waitFor();
    expect(await page.getByTestId('signer').first().textContent()).to.equal('Nguyễn Thị Hằng');
    expect(new URL(page.url()).pathname).to.equal('/verify');
    await screenshot(page, 'verify-public-valid');
    await context.close();
  });
});
