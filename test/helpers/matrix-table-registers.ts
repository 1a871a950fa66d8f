/**
 * Policy matrix entries of the registers (Sổ văn bản đến, Sổ theo dõi giải quyết, Sổ văn bản đi):
 * read by the agency's clerks and leaders, closed (Khóa sổ) by its clerks, each in their own agency.
 */
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { Register } from '../../src/registers/register.model.js';
import type { ActorName } from './matrix-actors.js';
import type { MatrixEntry } from './matrix-runner.js';
import { rowOf } from './matrix-table-admin.js';

const REGISTER_READERS: ActorName[] = ['clerk', 'leader', 'foreignClerk'];

/**
 * A past year (2000 up to last year: what đóng sổ takes) with no incoming register of the agency
 * yet; when every one has one (many runs on one agency), the oldest is removed for reuse. Not
 * derived from the shared serial: other files calling the fixtures move it past this year.
 */
async function freePastYear(agencyId: number): Promise<number> {
  const lastYear = Number(todayInVietnam().slice(0, 4)) - 1;
  const taken = await Register.findAll({
    where: { agencyId, kind: 'incoming' },
    attributes: ['id', 'year'],
    order: [['year', 'ASC']],
  });
  const years = new Set(taken.map((r) => r.year));
  for (let year = 2000; year <= lastYear; year++) if (!years.has(year)) return year;
  const oldest = taken.find((r) => r.year >= 2000 && r.year <= lastYear)!;
  await Register.destroy({ where: { id: oldest.id } });
  return oldest.year;
}

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
          const year = await freePastYear(agencyId);
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
