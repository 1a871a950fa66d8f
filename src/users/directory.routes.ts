import { Router } from 'express';
import { z } from 'zod';
import { requirePermission, requireUser } from '../http/auth.js';
import { agencyDirectory } from './directory.service.js';

const DirectoryQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
});

/** GET /directory: the signed-in person's agency, its leaders, departments and people. */
export function directoryRouter(): Router {
  const router = Router();
  router.get('/directory', requireUser, requirePermission('directory.view'), async (req, res) => {
    const { q } = DirectoryQuery.parse(req.query);
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
      leaders: directory.leaders,
      unplaced: directory.unplaced,
      departments: directory.departments.map((d) => ({
        ...d,
        people: d.people.map((p) => ({ ...p, placeLabel: placeLabel(p.place) })),
      })),
    });
  });
  return router;
}
