/**
 * The pages' Content-Security-Policy allows styles and scripts from the app's own files only
 * (style-src and script-src 'self'): a style attribute, a <style> element or an inline event
 * handler in a page is dropped by the browser, silently but for a console error (a report's chart
 * drawn at twice its size, hand-overs not drawn under their work). None may be written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT_DIR } from '../../src/paths.js';
import { DEEPEST_DRAWN_LEVEL } from '../../src/incoming/incoming.view-model.js';
import { chartSvg } from '../../src/reports/chart-svg.js';

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return filesUnder(file, ending);
    return file.endsWith(ending) ? [file] : [];
  });
}

/** Markup the policy drops: a style attribute, a <style> element, an on… handler attribute. */
const BLOCKED = /\sstyle\s*=\s*["'{]|<style[\s>]|\son[a-z]+\s*=\s*["'{]/gi;

/** Where the code builds PDFs or spreadsheets, not pages: their styles are not HTML. */
const NOT_PAGES = /(pdf|xlsx|docx|edxml)/i;

describe('pages within the Content-Security-Policy', () => {
  it('writes no style attribute, <style> or inline handler in a template, the code or a page script', () => {
    const files = [
      ...filesUnder(path.join(ROOT_DIR, 'views'), '.hbs'),
      ...filesUnder(path.join(ROOT_DIR, 'src'), '.ts').filter(
        (f) => !NOT_PAGES.test(path.basename(f)),
      ),
      ...filesUnder(path.join(ROOT_DIR, 'public', 'js'), '.js'),
    ];
    expect(files.length).to.be.greaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(BLOCKED)) {
        const line = text.slice(0, m.index).split('\n').length;
        found.push(`${path.relative(ROOT_DIR, file)}:${line}: ${m[0].trim()}`);
      }
    }
    expect(found).to.deep.equal([]);
  });

  it('finds what it looks for', () => {
    for (const markup of [
      '<td style="padding-left: 1rem">',
      "<svg style='max-width:5px'>",
      '<style>p{}</style>',
      '<button onclick="go()">',
    ])
      expect(markup.match(BLOCKED), markup).to.not.equal(null);
    expect('<td class="depth-2" data-style="x">'.match(BLOCKED)).to.equal(null);
  });

  it('sizes charts and hand-over levels from the stylesheet', () => {
    const css = readFileSync(path.join(ROOT_DIR, 'public', 'css', 'app.css'), 'utf8');
    expect(css).to.match(/svg\.chart\s*\{[^}]*max-width:\s*100%/);
    for (let level = 1; level <= DEEPEST_DRAWN_LEVEL; level += 1)
      expect(css, `td.depth-${level}`).to.match(new RegExp(`td\\.depth-${level}\\s*\\{`));
    const svg = chartSvg({ width: 680, height: 200 }, 'Biểu đồ', 'chart', '');
    expect(svg).to.include('width="680"').and.include('class="chart"');
  });
});
