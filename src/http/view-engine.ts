import path from 'node:path';
import type { Express } from 'express';
import { create as createHandlebars } from 'express-handlebars';
import { VIEWS_DIR } from '../paths.js';
import { viewHelpers } from './view-helpers.js';

/**
 * Handlebars as the pages use it: views/, the main layout, the partials and the view helpers.
 * Templates are compiled once unless `cache` is false (`npm run dev`, which edits them).
 */
export function useViewEngine(app: Express, cache = true): void {
  const hbs = createHandlebars({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    helpers: viewHelpers,
  });
  app.engine('.hbs', hbs.engine);
  app.set('view engine', '.hbs');
  app.set('views', VIEWS_DIR);
  if (cache) app.enable('view cache');
}
