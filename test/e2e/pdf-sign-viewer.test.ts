import { expect } from 'chai';
import fontkit from '@pdf-lib/fontkit';
import express from 'express';
import helmet from 'helmet';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import {
  findPlacements,
  parsePlacementForm,
  type Placements,
} from '../../src/drafting/placement.js';
import { configurePdfChecks, stopPdfChecks } from '../../src/files/pdf-check-pool.js';
import { AppError } from '../../src/http/app-error.js';
import { useViewEngine } from '../../src/http/view-engine.js';
import { translator } from '../../src/i18n/index.js';
import { PUBLIC_DIR, ROOT_DIR } from '../../src/paths.js';
import { launchBrowser, openWindow, screenshot } from '../helpers/e2e-browser.js';

/*
 * The signing page's viewer (views/partials/pdf-sign-viewer.hbs) in a tiny app of its own: the
 * same static routes and Content-Security-Policy as createApp, a 2-page draft whose placement is
 * proposed by findPlacements, and a form posting to parsePlacementForm.
 */

const require = createRequire(import.meta.url);
const W = 595.28;
const H = 841.89;

async function twoPageDraft(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(
    readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSerif.ttf')),
    { subset: true },
  );
  const centred = (page: ReturnType<typeof doc.addPage>, s: string, cx: number, y: number) =>
    page.drawText(s, { x: cx - font.widthOfTextAtSize(s, 13) / 2, y, size: 13, font });
  const one = doc.addPage([W, H]);
  centred(one, 'ỦY BAN NHÂN DÂN', 160, 790);
  centred(one, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 420, 790);
  centred(one, 'Số: ......../QĐ-UBND', 160, 750);
  centred(one, 'Demo, ngày      tháng      năm 2026', 420, 750);
  centred(one, 'QUYẾT ĐỊNH', 297, 700);
  for (let i = 0; i < 25; i += 1)
    one.drawText(`Điều ${i + 1}. Nội dung của điều khoản trên trang thứ nhất.`, {
      x: 85,
      y: 660 - i * 22,
      size: 13,
      font,
    });
  const two = doc.addPage([W, H]);
  two.drawText('Điều 26. Quyết định này có hiệu lực kể từ ngày ký./.', {
    x: 85,
    y: 780,
    size: 13,
    font,
  });
  two.drawText('Nơi nhận:', { x: 85, y: 700, size: 12, font });
  centred(two, 'TM. ỦY BAN NHÂN DÂN', 420, 700);
  centred(two, 'CHỦ TỊCH', 420, 683);
  centred(two, 'Trần Văn Hùng', 420, 590);
  return Buffer.from(await doc.save());
}

const PAGE_TEMPLATE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Ký số</title></head><body>
<form id="sign-form" method="post" action="/sign"><button type="submit">Ký số</button></form>
{{> pdf-sign-viewer pdfUrl="/draft.pdf" placement=placements.signer formId="sign-form" number=placements.number date=placements.date}}
</body></html>`;

describe('e2e: placing the signature on the PDF before signing', function () {
  let browser: Browser;
  let server: Server;
  let baseUrl: string;
  let placements: Placements;
  let viewsDir: string;

  before(async function () {
    browser = await launchBrowser(this);
    configurePdfChecks({ limits: { threads: 1, timeoutMs: 30_000, memoryMb: 256 } });
    const pdf = await twoPageDraft();
    placements = await findPlacements(pdf);
    viewsDir = mkdtempSync(path.join(os.tmpdir(), 'sign-viewer-'));
    writeFileSync(path.join(viewsDir, 'sign.hbs'), PAGE_TEMPLATE);

    const app = express();
    useViewEngine(app, false);
    app.use(
      helmet({
        contentSecurityPolicy: {
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'"],
            styleSrc: ["'self'"],
            imgSrc: ["'self'", 'data:', 'blob:'],
            fontSrc: ["'self'"],
            workerSrc: ["'self'", 'blob:'],
            connectSrc: ["'self'"],
            objectSrc: ["'none'"],
            frameAncestors: ["'self'"],
            formAction: ["'self'"],
            upgradeInsecureRequests: null,
          },
        },
      }),
    );
    app.use('/public', express.static(PUBLIC_DIR, { index: false }));
    app.use(
      '/vendor/pdfjs',
      express.static(path.join(ROOT_DIR, 'node_modules', 'pdfjs-dist', 'build'), { index: false }),
    );
    app.use(express.urlencoded({ extended: false }));
    app.get('/draft.pdf', (_req, res) => res.type('application/pdf').send(pdf));
    app.get('/', (_req, res) => {
      res.locals.t = translator('vi');
      res.render(path.join(viewsDir, 'sign.hbs'), { layout: false, placements });
    });
    app.post('/sign', (req, res) => {
      try {
        res.json(parsePlacementForm(req.body, placements.pageCount, placements.pages));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const t = translator('vi');
        const fields = Object.fromEntries(
          Object.entries(err.fields ?? {}).map(([k, v]) => [k, t(v)]),
        );
        res.status(err.status).json({ code: err.code, message: t(`errors:${err.code}`), fields });
      }
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
    await stopPdfChecks();
    if (viewsDir) rmSync(viewsDir, { recursive: true, force: true });
  });

  /** The hidden inputs as numbers. */
  const posted = (page: Page) =>
    page
      .evaluate(() => {
        // No named functions in here: tsx would wrap them in a helper the page does not have.
        const form = document.getElementById('sign-form') as HTMLFormElement;
        return ['page', 'rectX', 'rectY', 'rectW', 'rectH'].map((n) =>
          Number((form.elements.namedItem(n) as HTMLInputElement).value),
        );
      })
      .then(([number, ...rect]) => ({ page: number, rect }));

  /** A page's canvas on the screen, and CSS pixels per point. */
  async function canvasOf(page: Page, n: number) {
    const box = (await page.locator(`.pdf-sign-page[data-page="${n}"] canvas`).boundingBox())!;
    return { ...box, scale: box.width / W };
  }

  async function openViewer(touch = false) {
    const { page, context } = await openWindow(browser, baseUrl, { width: 640, height: 2200 });
    if (touch) {
      await context.close();
      const ctx = await browser.newContext({
        baseURL: baseUrl,
        viewport: { width: 640, height: 2200 },
        hasTouch: true,
        isMobile: true,
        locale: 'vi-VN',
      });
      ctx.setDefaultTimeout(15_000);
      return { page: await openPage(await ctx.newPage()), context: ctx };
    }
    return { page: await openPage(page), context };
  }

  async function openPage(page: Page) {
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.goto('/');
    await page.locator('.pdf-sign-viewer[data-ready="true"]').waitFor();
    return page;
  }

  const cspViolations = (page: Page) =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

  it('shows the box at the proposed place, follows a drag within the page and onto another page, and posts the points', async () => {
    const { page, context } = await openViewer();
    const proposed = placements.signer;
    expect(proposed).to.include({ page: 2, source: 'block' });
    expect(await posted(page)).to.deep.equal({ page: 2, rect: proposed.rect });

    // The box sits over the gap between "CHỦ TỊCH" and the name on page 2.
    const two = await canvasOf(page, 2);
    const [x, y, w, h] = proposed.rect;
    const box = (await page.getByTestId('pdf-sign-box').boundingBox())!;
    expect(box.x).to.be.closeTo(two.x + x * two.scale, 1.5);
    expect(box.y).to.be.closeTo(two.y + (H - y - h) * two.scale, 1.5);
    expect(box.width).to.be.closeTo(w * two.scale, 1.5);
    expect(box.height).to.be.closeTo(h * two.scale, 1.5);
    // The number and date marks are on page 1.
    expect(
      await page.locator('.pdf-sign-page[data-page="1"] [data-testid="pdf-sign-number"]').count(),
    ).to.equal(1);
    expect(
      await page.locator('.pdf-sign-page[data-page="1"] [data-testid="pdf-sign-date"]').count(),
    ).to.equal(1);
    // pdf.js drew the page: some pixels are dark.
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector('.pdf-sign-page canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) dark += 1;
      return dark;
    });
    expect(inked).to.be.greaterThan(1000);

    // Drag 150 px left and 100 px up on the same page.
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 75, cy - 50, { steps: 4 });
    await page.mouse.move(cx - 150, cy - 100, { steps: 4 });
    await page.mouse.up();
    const moved = await posted(page);
    expect(moved.page).to.equal(2);
    expect(moved.rect[0]).to.be.closeTo(x - 150 / two.scale, 1);
    expect(moved.rect[1]).to.be.closeTo(y + 100 / two.scale, 1);
    expect(moved.rect[2]).to.be.closeTo(w, 0.5);
    expect(moved.rect[3]).to.be.closeTo(h, 0.5);

    // Drag it up onto page 1, its top left corner 100 px right and 200 px down of the page's.
    const one = await canvasOf(page, 1);
    const from = (await page.getByTestId('pdf-sign-box').boundingBox())!;
    await page.mouse.move(from.x + 10, from.y + 10);
    await page.mouse.down();
    await page.mouse.move(one.x + 110, one.y + 210, { steps: 10 });
    await page.mouse.up();
    const onOne = await posted(page);
    expect(onOne.page).to.equal(1);
    expect(onOne.rect[0]).to.be.closeTo(100 / one.scale, 1);
    expect(onOne.rect[1] + onOne.rect[3]).to.be.closeTo(H - 200 / one.scale, 1);

    // Dropped past the right edge, the box is kept inside the page.
    const now = (await page.getByTestId('pdf-sign-box').boundingBox())!;
    await page.mouse.move(now.x + 10, now.y + 10);
    await page.mouse.down();
    await page.mouse.move(now.x + 600, now.y + 10, { steps: 5 });
    await page.mouse.up();
    const edge = await posted(page);
    expect(edge.page).to.equal(1);
    expect(edge.rect[0] + edge.rect[2]).to.be.closeTo(W, 0.6);

    // Arrow keys move it too: Shift+Left is 10 px.
    await page.getByTestId('pdf-sign-box').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    const keyed = await posted(page);
    expect(keyed.rect[0]).to.be.closeTo(edge.rect[0] - 10 / one.scale, 0.3);

    // The form posts what the inputs hold; the server takes it.
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/sign')),
      page.getByRole('button', { name: 'Ký số' }).click(),
    ]);
    expect(response.status()).to.equal(200);
    expect(await response.json()).to.deep.equal(keyed);
    await page.goBack();
    expect(await cspViolations(page)).to.deep.equal([]);
    await context.close();
  });

  it('moves with a finger on a touch screen', async () => {
    const { page, context } = await openViewer(true);
    const two = await canvasOf(page, 2);
    const [x, y] = placements.signer.rect;
    const box = (await page.getByTestId('pdf-sign-box').boundingBox())!;
    const cdp = await context.newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', px: number, py: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [{ x: px, y: py, id: 1 }],
      });
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await touch('touchStart', cx, cy);
    for (let i = 1; i <= 5; i += 1) await touch('touchMove', cx - 16 * i, cy + 12 * i);
    await touch('touchEnd', 0, 0);
    const moved = await posted(page);
    expect(moved.page).to.equal(2);
    expect(moved.rect[0]).to.be.closeTo(x - 80 / two.scale, 1);
    expect(moved.rect[1]).to.be.closeTo(y - 60 / two.scale, 1);
    expect(await cspViolations(page)).to.deep.equal([]);
    await screenshot(page, 'pdf-sign-viewer-touch');
    await context.close();
  });

  it('has the server refuse a placement moved off the page, in Vietnamese', async () => {
    const { page, context } = await openViewer();
    await page.evaluate(() => {
      const form = document.getElementById('sign-form') as HTMLFormElement;
      (form.elements.namedItem('rectX') as HTMLInputElement).value = '500';
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/sign')),
      page.getByRole('button', { name: 'Ký số' }).click(),
    ]);
    expect(response.status()).to.equal(422);
    expect(await response.json()).to.deep.include({
      code: 'PLACEMENT_INVALID',
      fields: { rectX: 'Khung chữ ký nằm ngoài trang văn bản.' },
    });
    await context.close();
  });
});
