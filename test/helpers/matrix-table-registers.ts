/**
 * Policy matrix entries of the registers (Sổ văn bản đến, Sổ theo dõi giải quyết, Sổ văn bản đi):
 * read by the agency's clerks and leaders, closed (Khóa sổ) by its clerks, each in their own agency.
 */
import { Register } from '../../src/registers/register.model.js';
import type { ActorName } from './matrix-actors.js';
import type { MatrixEntry } from './matrix-runner.js';
import { next, rowOf } from './matrix-table-admin.js';

const REGISTER_READERS: ActorName[] = ['clerk', 'leader', 'foreignClerk'];

export const registerEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/registers',
    cases: [
      { allowed: REGISTER_READERS },
      {
        label: 'the secret outgoing series',
        allowed: REGISTER_READERS,
        prepare: async () => ({ query: { kind: 'outgoing', series: 'secret' } }),
      },
    ],
  },
  {
    method: 'GET',
    path: '/registers/:file',
    cases: [
      'incoming.pdf',
      'incoming.xlsx',
      'tracking.pdf',
      'tracking.xlsx',
      'outgoing.pdf',
      'outgoing.xlsx',
    ].map((file) => ({
      label: file,
      allowed: REGISTER_READERS,
      prepare: async () => ({ params: { file } }),
    })),
  },
  {
    method: 'POST',
    path: '/registers/close',
    cases: [
      {
        label: 'a past year of the actor’s own agency',
        allowed: ['clerk', 'foreignClerk'],
        prepare: async (w, actor) => {
          const agencyId = actor === 'foreignClerk' ? w.foreignAgency.id : w.agency.id;
          const year = 2000 + next();
          const register = await Register.create({
            agencyId,
            kind: 'incoming',
            year,
            name: `Sổ văn bản đến năm ${year}`,
          });
          return { body: { year: String(year) }, state: () => rowOf(Register, register.id) };
        },
      },
    ],
  },
];
