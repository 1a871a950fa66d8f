import { Router } from 'express';
import { adminTabs } from '../admin/admin-pages.js';
import { requirePermission, requireUser } from '../http/auth.js';
import { can } from '../policy/index.js';
import { incomingCounters } from '../incoming/incoming.queries.js';
import { waitingApprovals } from '../approvals/approvals.waiting.js';
import { OnTimeQuerySchema, periodOf } from '../reports/on-time.period.js';
import { onTimeRates } from '../reports/on-time.service.js';
import { listOutgoing } from '../outgoing/outgoing.list.js';
import { issuanceQueue } from '../outgoing/outgoing.issue.js';
import { taskRow } from '../meetings/tasks.queries.js';
import { waitingTasks } from '../meetings/tasks.service.js';

/** can(), but an action whose domain is not registered counts as "no". */
function allowed(user: Parameters<typeof can>[0], action: string): boolean {
  try {
    return can(user, action);
  } catch {
    return false;
  }
}

interface Card {
  label: string;
  value: number;
  href: string;
  alert?: boolean;
  testId: string;
}

export function dashboardRouter(): Router {
  const router = Router();
  router.get('/', requireUser, requirePermission('dashboard.view'), async (req, res) => {
    const user = req.user!;
    const t = req.t;
    let cards: Card[] = [];
    let overdue = 0;
    if (allowed(user, 'incoming.list')) {
      const counts = await incomingCounters(user);
      overdue = counts.overdue;
      cards = [
        {
          label: t('admin:dashboard.toHandle'),
          value: counts.toHandle,
          href: '/incoming?tab=toHandle',
          testId: 'to-handle',
        },
        {
          label: t('admin:dashboard.inProgress'),
          value: counts.inProgress,
          href: '/incoming?tab=inProgress',
          testId: 'in-progress',
        },
        {
          label: t('admin:dashboard.overdue'),
          value: counts.overdue,
          href: '/incoming?overdue=1',
          alert: counts.overdue > 0,
          testId: 'overdue',
        },
        {
          label: t('admin:dashboard.forInfo'),
          value: counts.forInfo,
          href: '/incoming?tab=forInfo',
          testId: 'for-info',
        },
      ];
      if (allowed(user, 'incoming.create')) {
        cards.push({
          label: t('admin:dashboard.registeredToday'),
          value: counts.registeredToday,
          href: '/incoming?tab=all&registeredToday=1',
          testId: 'registered-today',
        });
      }
    }
    // Văn bản đi: what waits for the person's signature, and for a clerk's issuance.
    if (allowed(user, 'outgoing.list')) {
      const toSign = await listOutgoing(user, 'to_sign', 50);
      if (toSign.length)
        cards.push({
          label: t('outgoing:dashboard.toSign'),
          value: toSign.length,
          href: '/outgoing?tab=to_sign',
          alert: toSign.some((a) => a.document.urgency > 0),
          testId: 'to-sign',
        });
      const queue = await issuanceQueue(user);
      if (user.hasRole('clerk'))
        cards.push({
          label: t('outgoing:dashboard.toIssue'),
          value: queue.length,
          href: '/outgoing?tab=to_issue',
          alert: queue.some((q) => q.urgent || q.late),
          testId: 'to-issue',
        });
    }
    // Tỷ lệ đúng hạn of the month: the agency's and the person's unit's (figures, no content).
    const onTime = allowed(user, 'incoming.list')
      ? {
          ...(await onTimeRates(user, periodOf(OnTimeQuerySchema.parse({})))),
          canOpen: allowed(user, 'reports.view'),
        }
      : null;
    // Cần xử lý: approval decisions waiting for the person or for whom they act today.
    const approvals = await waitingApprovals(user.id);
    // Cần xử lý: open tasks from meetings' conclusions the person (or the unit they head) holds.
    const meetingTasks = (await waitingTasks(user)).map((task) => taskRow(task));
    res.render('dashboard/index', {
      title: t('nav.dashboard'),
      approvals,
      meetingTasks,
      roles: user.roleList().map((r) => t(`roles.${r}`)),
      cards,
      overdue,
      onTime,
      // The administration's pages as its own tabs list them (each the person may open).
      adminLinks: allowed(user, 'admin.manage') ? adminTabs(req) : [],
    });
  });
  return router;
}
