/**
 * GET /profile/delegations/export.xlsx — the delegations page's tables as XLSX (issue 11): those
 * one gave, those one holds and, for the administrator, the agency's, each row under its table's
 * heading; audited as delegation.export.
 */
import { listExport } from '../http/list-export.js';
import { delegationsOf, type DelegationRow } from './delegations.service.js';

const PARTS = ['given', 'received', 'all'] as const;

interface PartRow {
  part: (typeof PARTS)[number];
  delegation: DelegationRow;
}

export const exportDelegations = listExport<null, PartRow>({
  action: 'delegation.export',
  entityType: 'delegation',
  fileName: 'uy-quyen',
  sheet: 'list-export:delegations.sheet',
  heading: 'list-export:delegations.heading',
  query: () => null,
  rows: async (req, _query, limit) => {
    const lists = await delegationsOf(req.user!, limit);
    const rows = PARTS.flatMap((part) => lists[part].map((delegation) => ({ part, delegation })));
    // A table read up to the limit may hold more: then the total is not known.
    const whole = PARTS.every((part) => lists[part].length < limit);
    return { rows: rows.slice(0, limit), total: whole ? rows.length : undefined };
  },
  columns: (req) => {
    const t = req.t;
    return [
      {
        header: t('list-export:section'),
        width: 26,
        value: ({ part }) => t(`delegations:${part}`),
      },
      {
        header: t('delegations:principal'),
        width: 26,
        value: ({ delegation: d }) => d.principalName,
      },
      {
        header: t('delegations:delegate'),
        width: 26,
        value: ({ delegation: d }) => d.delegateName,
      },
      {
        header: t('delegations:form'),
        width: 16,
        value: ({ delegation: d }) =>
          `${t(`delegations:forms.${d.form}`)}${d.parentId ? ` (${t('delegations:passedOn')})` : ''}`,
      },
      {
        header: t('delegations:actionsLabel'),
        width: 40,
        value: ({ delegation: d }) =>
          d.actions.map((a) => t(`delegations:actions.${a}`)).join(', '),
      },
      { header: t('delegations:note'), width: 30, value: ({ delegation: d }) => d.note },
      {
        header: t('delegations:startsOn'),
        width: 12,
        date: 'day',
        value: ({ delegation: d }) => d.startsOn,
      },
      {
        header: t('delegations:endsOn'),
        width: 12,
        date: 'day',
        value: ({ delegation: d }) => d.endsOn,
      },
      {
        header: t('delegations:state'),
        width: 14,
        value: ({ delegation: d }) => t(`delegations:states.${d.state}`),
      },
    ];
  },
});
