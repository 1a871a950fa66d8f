/**
 * Policy matrix entries of the on-time report (/reports/on-time…): read by the agency's leaders
 * and clerks for every unit, by a department head for their own unit only; and of the clerk's
 * "trả lại nơi gửi" on a returned incoming document; the volume report, for leaders and clerks.
 */
import { returnToClerk } from '../../src/incoming/incoming.service.js';
import type { ActorName } from './matrix-actors.js';
import { id, onDoc } from './matrix-table-incoming.js';
import type { MatrixEntry } from './matrix-runner.js';

const REPORT_READERS: ActorName[] = ['clerk', 'leader', 'deptHead', 'foreignClerk'];

export const reportEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/reports/on-time',
    cases: [
      { allowed: REPORT_READERS },
      {
        label: 'a quarter, per person',
        allowed: REPORT_READERS,
        prepare: async () => ({ query: { period: 'quarter', by: 'person' } }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/reports/on-time.xlsx',
    cases: [{ allowed: REPORT_READERS }],
  },
  {
    method: 'GET',
    path: '/reports/on-time/documents',
    cases: [
      {
        label: 'the head’s own unit',
        allowed: REPORT_READERS,
        prepare: async (w) => ({ query: { unit: String(w.deptD.id), group: 'openInTime' } }),
      },
      {
        label: 'another unit',
        allowed: ['clerk', 'leader', 'foreignClerk'],
        prepare: async (w) => ({ query: { unit: String(w.deptE.id) } }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/reports/on-time/documents.xlsx',
    cases: [
      {
        label: 'the head’s own unit',
        allowed: REPORT_READERS,
        prepare: async (w) => ({ query: { unit: String(w.deptD.id), group: 'openInTime' } }),
      },
    ],
  },
  // The volume report: the agency's leaders and clerks, each of their own agency.
  {
    method: 'GET',
    path: '/reports/volumes',
    cases: [
      { allowed: ['clerk', 'leader', 'foreignClerk'] },
      {
        label: 'a year',
        allowed: ['clerk', 'leader', 'foreignClerk'],
        prepare: async () => ({ query: { period: 'year', year: '2026' } }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/reports/volumes.xlsx',
    cases: [{ allowed: ['clerk', 'leader', 'foreignClerk'] }],
  },
  {
    method: 'POST',
    path: '/incoming/:id/send-back',
    cases: [
      {
        allowed: ['clerk'],
        prepare: async (w) => {
          const prepared = await onDoc('presented', (f) => ({
            params: id(f),
            body: { reason: 'Gửi nhầm cơ quan' },
          }))(w);
          await returnToClerk(
            Number(prepared.params!.id),
            { reason: 'Không thuộc thẩm quyền' },
            { user: w.users.leader, ip: null },
          );
          return prepared;
        },
      },
    ],
  },
];
