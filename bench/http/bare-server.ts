/**
 * The bare route of bench:http: Express + Handlebars (same engine, helpers, layout and partials
 * as the app) rendering the list page's template with the data captured from a real request,
 * from memory. It runs as the app does: WEB_CONCURRENCY processes sharing PORT.
 * BARE_PAGE names the JSON file with { view, data }.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import express from 'express';
import { useViewEngine } from '../../src/http/view-engine.js';
import { translator } from '../../src/i18n/index.js';

const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY || 1));
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function serve(): void {
  // JSON turned the captured Dates into text and dropped the translate function: both come back.
  const { view, data } = JSON.parse(readFileSync(process.env.BARE_PAGE!, 'utf8'), (_key, value) =>
    typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : value,
  ) as { view: string; data: Record<string, unknown> };
  data.t = translator(String(data.lng));
  const app = express();
  useViewEngine(app);
  app.disable('x-powered-by');
  app.get('/', (_req, res) => res.render(view, data));
  app.listen(Number(process.env.PORT), '127.0.0.1');
}

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  serve();
}
