import { defineRules } from '../policy/policy.js';

// The on-time report (tình hình xử lý văn bản đúng hạn): the agency's leaders and clerks (who
// track incoming documents under Decree 30) for every unit, a department head for their own
// unit (onTimeReport narrows it). Figures only; the drill-down still applies each document's
// visibility rule.
defineRules({
  'reports.view': (user) =>
    user.hasRole('leader') ||
    user.hasRole('clerk') ||
    (user.hasRole('dept_head') && user.departmentId != null),
});

// The volume report (thống kê số lượng văn bản): the agency's own counts of registered and issued
// documents, for its leaders and its clerks (who keep both registers). Counts only.
defineRules({
  'reports.volumes': (user) => user.hasRole('leader') || user.hasRole('clerk'),
});
