/**
 * Prints, as JSON, the text pdf.js extracts from each page of the PDF named on the command line
 * (a page it cannot read gives `{ "error": message }`). Run in its own process: pdf.js's legacy
 * build installs polyfills on the globals of the thread that loads it.
 */
import { readFileSync } from 'node:fs';

const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
const task = getDocument({
  data: new Uint8Array(readFileSync(process.argv[2]!)),
  isEvalSupported: false,
  useSystemFonts: false,
  disableFontFace: true,
  stopAtErrors: false,
  verbosity: 0,
});
const doc = await task.promise;
const pages: Array<string | { error: string }> = [];
for (let n = 1; n <= doc.numPages; n++) {
  try {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ('str' in i ? i.str : '')).join(' '));
  } catch (e) {
    pages.push({ error: (e as Error).message });
  }
}
await doc.destroy();
process.stdout.write(JSON.stringify(pages));
