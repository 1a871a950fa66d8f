import { Router } from 'express';
import { requirePermission, requireUser } from '../http/auth.js';
import { exportLink } from '../http/list-export.js';
import { directoryQueryOf, exportDirectory } from './directory.export.js';
import { agencyDirectory } from './directory.service.js';

/**
 * GET /directory: the signed-in person's agency, its leaders, departments and people; and
 * /directory/export.xlsx, the same as XLSX.
 */
export function directoryRouter(): Router {
  const router = Router();
  router.get('/directory', requireUser, requirePermission('directory.view'), async (req, res) => {
    const { q } = directoryQueryOf(req);
    const directory = await agencyDirectory(req.user!.agencyId, q);
    const placeLabel = (place: string) => req.t(`directory:place.${place}`);
    const found =
      directory.leaders.length +
      directory.unplaced.length +
      directory.departments.reduce((n, d) => n + d.people.length, 0);
    res.render('directory/index', {
      title: req.t('directory:title'),
      q: q ?? '',
      found,
      exportLink: exportLink(req, '/directory/export.xlsx', { q }, found),
      leaders: directory.leaders,
      unplaced: directory.unplaced,
      departments: directory.departments.map((d) => ({
        ...d,
        people: d.people.map((p) => ({ ...p, placeLabel: placeLabel(p.place) })),
      })),
    });
  });
  router.get(
    '/directory/export.xlsx',
    requireUser,
    requirePermission('directory.view'),
    exportDirectory,
  );
  return router;
}
