// The signer's view of a PDF before signing (views/partials/pdf-sign-viewer.hbs): the pages drawn
// with pdf.js served locally, the signature box at the place the server proposed, movable by
// dragging (mouse, pen or touch) or with the arrow keys, to any place on any page. The chosen page
// and rect, in PDF points of the page's user space, go into the hidden inputs page, rectX, rectY,
// rectW and rectH of the form named by data-form-id. Without this script the form posts the
// proposed placement as it is.
const PDFJS = '/vendor/pdfjs/pdf.min.mjs';
const PDFJS_WORKER = '/vendor/pdfjs/pdf.worker.min.mjs';
const FIELDS = ['page', 'rectX', 'rectY', 'rectW', 'rectH'];

const round = (v) => Math.round(v * 100) / 100;
const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/** The form's hidden inputs, made when the page did not render them. */
function inputsOf(form) {
  const inputs = {};
  for (const name of FIELDS) {
    let input = form.elements.namedItem(name);
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    inputs[name] = input;
  }
  return inputs;
}

function parseRect(text) {
  try {
    const rect = JSON.parse(text || 'null');
    return Array.isArray(rect) && rect.length === 4 && rect.every(Number.isFinite) ? rect : null;
  } catch {
    return null;
  }
}

/** A user-space rect [x, y, w, h] as a box on the page's canvas, in CSS pixels. */
function toScreen(viewport, [x, y, w, h]) {
  const [x1, y1, x2, y2] = viewport.convertToViewportRectangle([x, y, x + w, y + h]);
  return {
    left: Math.min(x1, x2),
    top: Math.min(y1, y2),
    width: Math.abs(x2 - x1),
    height: Math.abs(y2 - y1),
  };
}

/** A box on the page's canvas (CSS pixels) as a user-space rect [x, y, w, h] in points. */
function toPdf(viewport, { left, top, width, height }) {
  const [x1, y1] = viewport.convertToPdfPoint(left, top);
  const [x2, y2] = viewport.convertToPdfPoint(left + width, top + height);
  return [
    round(Math.min(x1, x2)),
    round(Math.min(y1, y2)),
    round(Math.abs(x2 - x1)),
    round(Math.abs(y2 - y1)),
  ];
}

async function renderPages(el, sheet) {
  const { getDocument, GlobalWorkerOptions } = await import(PDFJS);
  GlobalWorkerOptions.workerSrc = PDFJS_WORKER;
  const pdf = await getDocument({
    url: el.getAttribute('data-pdf-url'),
    disableRange: true,
    disableStream: true,
    isEvalSupported: false,
    withCredentials: true,
  }).promise;
  const width = Math.max(280, sheet.clientWidth - 16);
  const ratio = window.devicePixelRatio || 1;
  const pages = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const holder = document.createElement('div');
    holder.className = 'pdf-sign-page';
    holder.setAttribute('data-page', String(n));
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${viewport.width}px`;
    canvas.style.height = `${viewport.height}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${n}/${pdf.numPages}`);
    holder.appendChild(canvas);
    sheet.appendChild(holder);
    const drawn = page.getViewport({ scale: (width / base.width) * ratio });
    await page.render({ canvasContext: canvas.getContext('2d'), canvas, viewport: drawn }).promise;
    pages.push({ number: n, holder, viewport });
  }
  return pages;
}

/** Where a page's canvas lies in the sheet (the box's offset parent), in CSS pixels. */
function pageArea(page) {
  const { holder, viewport } = page;
  return {
    left: holder.offsetLeft,
    top: holder.offsetTop,
    width: viewport.width,
    height: viewport.height,
  };
}

/** A dashed mark where the seal will write the number or the date (not movable here). */
function addMark(el, pages, kind) {
  const rect = parseRect(el.getAttribute(`data-${kind}-rect`));
  const page = pages[Number(el.getAttribute(`data-${kind}-page`)) - 1];
  if (!rect || !page) return;
  const mark = document.createElement('div');
  mark.className = `pdf-sign-mark pdf-sign-mark-${kind}`;
  mark.setAttribute('data-testid', `pdf-sign-${kind}`);
  mark.title = el.getAttribute(`data-${kind}-label`) || '';
  const s = toScreen(page.viewport, rect);
  mark.style.left = `${s.left}px`;
  mark.style.top = `${s.top}px`;
  mark.style.width = `${s.width}px`;
  mark.style.height = `${s.height}px`;
  page.holder.appendChild(mark);
}

function makeBox(el, sheet, pages, inputs, start) {
  const box = document.createElement('div');
  box.className = 'pdf-sign-box';
  box.tabIndex = 0;
  box.setAttribute('role', 'slider');
  box.setAttribute('aria-label', el.getAttribute('data-box-label') || '');
  box.setAttribute('data-testid', 'pdf-sign-box');
  const label = document.createElement('span');
  label.textContent = el.getAttribute('data-box-label') || '';
  box.appendChild(label);
  sheet.appendChild(box);

  const first = pages[start.page - 1] || pages[pages.length - 1];
  const size = toScreen(first.viewport, start.rect);
  const area = pageArea(first);
  // Position in the sheet, CSS pixels.
  let at = { left: area.left + size.left, top: area.top + size.top };
  const place = () => {
    box.style.left = `${at.left}px`;
    box.style.top = `${at.top}px`;
    box.style.width = `${size.width}px`;
    box.style.height = `${size.height}px`;
  };

  /** The page under the box's centre (else the nearest), the box kept inside it, and the inputs. */
  const settle = () => {
    const cy = at.top + size.height / 2;
    let page = pages[0];
    let best = Infinity;
    for (const p of pages) {
      const a = pageArea(p);
      const d = cy < a.top ? a.top - cy : cy > a.top + a.height ? cy - a.top - a.height : 0;
      if (d < best) [best, page] = [d, p];
    }
    const a = pageArea(page);
    at = {
      left: clamp(at.left, a.left, a.left + a.width - size.width),
      top: clamp(at.top, a.top, a.top + a.height - size.height),
    };
    place();
    const rect = toPdf(page.viewport, {
      left: at.left - a.left,
      top: at.top - a.top,
      width: Math.min(size.width, a.width),
      height: Math.min(size.height, a.height),
    });
    inputs.page.value = String(page.number);
    [inputs.rectX.value, inputs.rectY.value, inputs.rectW.value, inputs.rectH.value] =
      rect.map(String);
    box.setAttribute('aria-valuetext', `${page.number}: ${rect.join(' ')}`);
    box.setAttribute('data-page', String(page.number));
    el.dispatchEvent(new CustomEvent('placementchange', { detail: { page: page.number, rect } }));
  };

  let drag = null;
  box.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    try {
      box.setPointerCapture(e.pointerId);
    } catch {
      // A synthetic or already released pointer: the box still follows the moves it receives.
    }
    box.classList.add('dragging');
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, from: { ...at } };
  });
  box.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    at = {
      left: clamp(drag.from.left + e.clientX - drag.x, 0, sheet.scrollWidth - size.width),
      top: clamp(drag.from.top + e.clientY - drag.y, 0, sheet.scrollHeight - size.height),
    };
    place();
  });
  const drop = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    drag = null;
    box.classList.remove('dragging');
    settle();
  };
  box.addEventListener('pointerup', drop);
  box.addEventListener('pointercancel', drop);
  box.addEventListener('keydown', (e) => {
    const step = e.shiftKey ? 10 : 1;
    const moves = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    at = { left: at.left + move[0], top: at.top + move[1] };
    settle();
  });
  place();
  settle();
}

async function start(el) {
  const form = document.getElementById(el.getAttribute('data-form-id') || '');
  const rect = parseRect(el.getAttribute('data-rect'));
  const sheet = el.querySelector('.pdf-sign-sheet');
  if (!form || !rect || !sheet) throw new Error('pdf-sign-viewer: form, rect or sheet missing');
  const inputs = inputsOf(form);
  const pages = await renderPages(el, sheet);
  addMark(el, pages, 'number');
  addMark(el, pages, 'date');
  const page = clamp(Math.round(Number(el.getAttribute('data-page')) || 1), 1, pages.length);
  makeBox(el, sheet, pages, inputs, { page, rect });
  el.setAttribute('data-ready', 'true');
}

for (const el of document.querySelectorAll('.pdf-sign-viewer[data-pdf-url]')) {
  start(el).catch(() => {
    const message = document.createElement('p');
    message.className = 'pdf-error';
    message.setAttribute('role', 'alert');
    message.textContent = el.getAttribute('data-error-text') || 'PDF';
    const sheet = el.querySelector('.pdf-sign-sheet');
    if (sheet) sheet.textContent = '';
    el.appendChild(message);
    el.setAttribute('data-ready', 'error');
  });
}
