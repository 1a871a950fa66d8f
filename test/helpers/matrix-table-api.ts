/**
 * Policy matrix entries of the JSON API (/api/v1/incoming…), on the same fixtures as the pages:
 * a personal access token stands for the actor, no token gets 401.
 */
import type { MatrixEntry } from './matrix-runner.js';
import { CHAIN, CLERKS, id, LISTERS, onDoc, registration } from './matrix-table-incoming.js';

export const incomingApiEntries: MatrixEntry[] = [
  { method: 'GET', path: '/api/v1/incoming', cases: [{ allowed: LISTERS }] },
  {
    method: 'POST',
    path: '/api/v1/incoming',
    cases: [{ allowed: CLERKS, prepare: registration('file') }],
  },
  {
    method: 'GET',
    path: '/api/v1/incoming/:id',
    cases: [{ allowed: CHAIN, prepare: onDoc('in_progress', (f) => ({ params: id(f) })) }],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/present',
    cases: [
      {
        allowed: ['clerk'],
        prepare: onDoc('registered', (f, w) => ({
          params: id(f),
          body: { leaderId: w.users.leader.id },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/progress',
    cases: [
      {
        allowed: ['specialist'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, percent: 40 },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/file',
    cases: [
      { allowed: ['clerk'], prepare: onDoc('completed', (f) => ({ params: id(f), body: {} })) },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/assignments',
    cases: [
      {
        label: 'direction (lead)',
        allowed: ['leader'],
        prepare: onDoc('presented', (f, w) => ({
          params: id(f),
          body: { lead: { departmentId: w.deptD.id } },
        })),
      },
      {
        label: 'hand-over (userId)',
        allowed: ['deptHead'],
        prepare: onDoc('directed', (f, w) => ({
          params: id(f),
          body: { userId: w.users.specialist.id },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/reminders',
    cases: [
      {
        allowed: ['clerk', 'leader', 'deptHead'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, note: 'Đề nghị khẩn trương' },
        })),
      },
    ],
  },
  {
    method: 'POST',
    path: '/api/v1/incoming/:id/complete',
    cases: [
      {
        allowed: ['specialist'],
        prepare: onDoc('in_progress', (f) => ({
          params: id(f),
          body: { assignmentId: f.childId, resultNote: 'Xong' },
        })),
      },
    ],
  },
];
