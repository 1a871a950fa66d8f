// Renders the PDF named by data-pdf-url into canvases, one per page, with pdf.js served locally.
// The file comes through the authorised download route; nothing is fetched from elsewhere.
const container = document.querySelector('[data-pdf-url]');

async function render(el) {
  const { getDocument, GlobalWorkerOptions } = await import('/vendor/pdfjs/pdf.min.mjs');
  GlobalWorkerOptions.workerSrc = '/vendor/pdfjs/pdf.worker.min.mjs';
  const pdf = await getDocument({
    url: el.getAttribute('data-pdf-url'),
    disableRange: true,
    disableStream: true,
    isEvalSupported: false,
    withCredentials: true,
  }).promise;
  el.textContent = '';
  const width = Math.max(320, el.clientWidth - 16);
  const ratio = window.devicePixelRatio || 1;
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${n}/${pdf.numPages}`);
    el.appendChild(canvas);
    await page.render({ canvasContext: canvas.getContext('2d'), canvas, viewport }).promise;
  }
}

if (container) {
  render(container).catch(() => {
    const message = document.createElement('p');
    message.className = 'pdf-error';
    message.textContent = container.getAttribute('data-error-text') || 'PDF';
    container.textContent = '';
    container.appendChild(message);
  });
}
