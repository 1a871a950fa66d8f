/**
 * Policy matrix entries of the sender directory (danh bạ nơi gửi): the clerks of an agency read
 * and edit their own agency's directory; nobody else, and never another agency's senders.
 */
import { randomUUID } from 'node:crypto';
import { Sender } from '../../src/senders/sender.model.js';
import { normaliseOrganName } from '../../src/senders/sender-names.js';
import type { ActorName, MatrixWorld } from './matrix-actors.js';
import type { MatrixEntry, Prepared } from './matrix-runner.js';

const CLERKS: ActorName[] = ['clerk', 'foreignClerk'];

/** A sender of the main agency (the one a foreign clerk must not reach). */
async function mainSender(w: MatrixWorld): Promise<Sender> {
  const name = `Sở Thử ${randomUUID().slice(0, 8)}`;
  return Sender.create({
    agencyId: w.agency.id,
    name,
    nameKey: normaliseOrganName(name),
    code: null,
  });
}

/** The sender to change: the main agency's for the clerk and the denied, else the actor's own. */
async function senderFor(w: MatrixWorld, actor: ActorName | null): Promise<Sender> {
  if (actor !== 'foreignClerk') return mainSender(w);
  const name = `Sở Ngoài ${randomUUID().slice(0, 8)}`;
  return Sender.create({
    agencyId: w.foreignAgency.id,
    name,
    nameKey: normaliseOrganName(name),
    code: null,
  });
}

const snapshot = (id: number) => async () =>
  (await Sender.findByPk(id))?.get({ plain: true }) ?? null;

export const senderEntries: MatrixEntry[] = [
  {
    method: 'GET',
    path: '/senders',
    cases: [
      {
        label: "the clerks, each their own agency's",
        allowed: CLERKS,
        prepare: async (w): Promise<Prepared> => {
          await Sender.destroy({ where: { name: 'Sở Riêng Của Cơ Quan Chính' } });
          await Sender.create({
            agencyId: w.agency.id,
            name: 'Sở Riêng Của Cơ Quan Chính',
            nameKey: normaliseOrganName('Sở Riêng Của Cơ Quan Chính'),
            code: null,
          });
          return {};
        },
        allowedCheck: (res, actor) => {
          if (res.status !== 200) return `expected 200, got ${res.status}`;
          const shows = res.text.includes('Sở Riêng Của Cơ Quan Chính');
          if ((actor === 'foreignClerk') === shows)
            return shows ? "shows another agency's senders" : "misses its own agency's senders";
          return null;
        },
      },
    ],
  },
  {
    method: 'GET',
    path: '/senders/lookup',
    cases: [
      {
        label: 'the clerks',
        allowed: CLERKS,
        prepare: async () => ({ query: { q: 'sở' } }),
      },
    ],
  },
  {
    method: 'POST',
    path: '/senders',
    cases: [
      {
        label: 'the clerks add to their own directory',
        allowed: CLERKS,
        prepare: async (w, actor): Promise<Prepared> => {
          const name = `Sở Mới ${randomUUID().slice(0, 8)}`;
          const agencyId = actor === 'foreignClerk' ? w.foreignAgency.id : w.agency.id;
          return {
            body: { name, code: '' },
            state: async () => Sender.count({ where: { agencyId } }),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/senders/:id',
    cases: [
      {
        label: "a clerk edits their own agency's sender only",
        allowed: CLERKS,
        prepare: async (w, actor): Promise<Prepared> => {
          const sender = await senderFor(w, actor);
          return {
            params: { id: sender.id },
            body: { name: `${sender.name} (sửa)`, code: '000.00.00.H41' },
            state: snapshot(sender.id),
          };
        },
      },
    ],
  },
  {
    method: 'POST',
    path: '/senders/:id/delete',
    cases: [
      {
        label: "a clerk removes their own agency's sender only",
        allowed: CLERKS,
        prepare: async (w, actor): Promise<Prepared> => {
          const sender = await senderFor(w, actor);
          return { params: { id: sender.id }, state: snapshot(sender.id) };
        },
      },
    ],
  },
];
