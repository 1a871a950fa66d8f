import { Router } from 'express';
import { z } from 'zod';
import { integer } from '../http/form-fields.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { exportLink } from '../http/list-export.js';
import { parseInput } from '../http/validate.js';
import { exportNotifications } from './notifications.export.js';
import { listNotifications, markRead, readableNotifications } from './notification.service.js';

const MarkReadSchema = z.object({ id: integer(z.number().int().positive().optional()) });

export function notificationsRouter(): Router {
  const router = Router();
  router.get(
    '/notifications',
    requireUser,
    requirePermission('notifications.view'),
    async (req, res) => {
      res.render('notifications/list', {
        title: req.t('notifications.title'),
        notifications: await readableNotifications(req.user!.id, req.lng),
        exportLink: exportLink(req, '/notifications/export.xlsx', {}),
      });
    },
  );
  router.get(
    '/notifications/export.xlsx',
    requireUser,
    requirePermission('notifications.view'),
    exportNotifications,
  );
  router.post(
    '/notifications/read',
    requireUser,
    requirePermission('notifications.view'),
    async (req, res) => {
      const { id } = parseInput(MarkReadSchema, req.body, req.lng);
      await markRead(req.user!.id, id, req.ip ?? null);
      const target = id
        ? (await listNotifications(req.user!.id)).find((n) => n.id === id)?.link
        : null;
      res.redirect(303, target && target.startsWith('/') ? target : '/notifications');
    },
  );
  return router;
}
