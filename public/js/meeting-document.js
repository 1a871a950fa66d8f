// A meeting document in the vendored pdf.js, one canvas per page, with the reader's own
// highlights drawn over it. With the highlight mode on, dragging over a page marks an area,
// saved as a private highlight (the page's note form works without this script).
const container = document.querySelector('[data-meeting-pdf]');
const toggle = document.querySelector('[data-highlight-toggle]');
const csrf = document.querySelector('input[name="_csrf"]')?.value ?? '';
let marking = false;

function readNotes() {
  try {
    return JSON.parse(container.querySelector('[data-notes]')?.textContent || '[]');
  } catch {
    return [];
  }
}

function drawHighlight(layer, rect) {
  const box = document.createElement('div');
  box.className = 'note-highlight';
  box.style.left = `${rect.x * 100}%`;
  box.style.top = `${rect.y * 100}%`;
  box.style.width = `${rect.w * 100}%`;
  box.style.height = `${rect.h * 100}%`;
  layer.appendChild(box);
}

async function saveHighlight(page, rect) {
  const body = new URLSearchParams({ page: String(page), kind: 'highlight', rect: JSON.stringify(rect) });
  const res = await fetch(container.getAttribute('data-notes-url'), {
    method: 'POST',
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf },
    body,
    credentials: 'same-origin',
  });
  return res.ok;
}

function enableMarking(layer, page) {
  let start = null;
  let box = null;
  const at = (event) => {
    const r = layer.getBoundingClientRect();
    return {
      x: Math.min(1, Math.max(0, (event.clientX - r.left) / r.width)),
      y: Math.min(1, Math.max(0, (event.clientY - r.top) / r.height)),
    };
  };
  layer.addEventListener('pointerdown', (event) => {
    if (!marking) return;
    event.preventDefault();
    start = at(event);
    box = document.createElement('div');
    box.className = 'note-highlight is-new';
    layer.appendChild(box);
    layer.setPointerCapture(event.pointerId);
  });
  layer.addEventListener('pointermove', (event) => {
    if (!start || !box) return;
    const p = at(event);
    box.style.left = `${Math.min(start.x, p.x) * 100}%`;
    box.style.top = `${Math.min(start.y, p.y) * 100}%`;
    box.style.width = `${Math.abs(p.x - start.x) * 100}%`;
    box.style.height = `${Math.abs(p.y - start.y) * 100}%`;
  });
  layer.addEventListener('pointerup', async (event) => {
    if (!start || !box) return;
    const p = at(event);
    const rect = {
      x: Math.min(start.x, p.x),
      y: Math.min(start.y, p.y),
      w: Math.abs(p.x - start.x),
      h: Math.abs(p.y - start.y),
    };
    const drawn = box;
    start = null;
    box = null;
    if (rect.w < 0.01 || rect.h < 0.005 || !(await saveHighlight(page, rect))) drawn.remove();
    else drawn.classList.remove('is-new');
  });
}

async function render() {
  const notes = readNotes();
  const { getDocument, GlobalWorkerOptions } = await import('/vendor/pdfjs/pdf.min.mjs');
  GlobalWorkerOptions.workerSrc = '/vendor/pdfjs/pdf.worker.min.mjs';
  const pdf = await getDocument({
    url: container.getAttribute('data-meeting-pdf'),
    disableRange: true,
    disableStream: true,
    isEvalSupported: false,
    withCredentials: true,
  }).promise;
  for (const child of [...container.children]) if (!child.matches('[data-notes]')) child.remove();
  const width = Math.max(320, container.clientWidth - 16);
  const ratio = window.devicePixelRatio || 1;
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const wrap = document.createElement('div');
    wrap.className = 'pdf-page';
    wrap.style.width = `${Math.floor(viewport.width / ratio)}px`;
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = '100%';
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${n}/${pdf.numPages}`);
    const layer = document.createElement('div');
    layer.className = 'note-layer';
    wrap.append(canvas, layer);
    container.appendChild(wrap);
    for (const note of notes) if (note.page === n && note.rect) drawHighlight(layer, note.rect);
    enableMarking(layer, n);
    await page.render({ canvasContext: canvas.getContext('2d'), canvas, viewport }).promise;
  }
  if (toggle) toggle.hidden = false;
}

if (toggle) {
  toggle.addEventListener('click', () => {
    marking = !marking;
    toggle.setAttribute('aria-pressed', String(marking));
    container.classList.toggle('is-marking', marking);
  });
}

if (container) {
  render().catch(() => {
    const message = document.createElement('p');
    message.className = 'pdf-error';
    message.textContent = container.getAttribute('data-error-text') || 'PDF';
    for (const child of [...container.children]) if (!child.matches('[data-notes]')) child.remove();
    container.appendChild(message);
  });
}
