import { expect } from 'chai';
import type { Agency } from '../../src/agencies/agency.model.js';
import { findPlacements } from '../../src/drafting/placement.js';
import { AppError } from '../../src/http/app-error.js';
import { issueOutgoing, type IssuePlacements } from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { db } from '../../src/db/index.js';
import { withTransaction } from '../../src/db/transaction.js';
import { NumberReservation } from '../../src/registers/number-reservation.model.js';
import {
  claimNumber,
  RESERVATION_TIMEOUT_MS,
  reserveNumber,
  sweepNumberReservations,
} from '../../src/registers/number-reservations.js';
import { Register } from '../../src/registers/register.model.js';
import { buildAgency, buildUser } from '../factories/index.js';
import { enrolSealForTest } from '../helpers/signing-keys.js';
import { testApp } from '../helpers/test-app.js';
import {
  draftPdf,
  leaderSign,
  signedDocument,
  useProductionPdfCheckHeap,
} from './outgoing-issue-fixtures.js';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('issuance under concurrency (one series, gapless)', function () {
  this.timeout(120_000);
  useProductionPdfCheckHeap();
  let draft: Buffer;
  let leaderSigned: Buffer;
  let placements: IssuePlacements;

  before(async () => {
    await testApp();
    draft = await draftPdf();
  });

  /** An agency with its seal, a clerk and `count` documents signed by its leader. */
  async function world(count: number) {
    const agency: Agency = await buildAgency();
    const [clerk, leader, drafter] = [
      await buildUser(agency, ['clerk']),
      await buildUser(agency, ['leader']),
      await buildUser(agency, ['specialist']),
    ];
    await enrolSealForTest(agency.id);
    // One leader signature, shared by the documents: the seal revisions are what differ.
    leaderSigned ??= await leaderSign(draft, leader);
    const found = await findPlacements(leaderSigned);
    placements = { number: found.number!, date: found.date! };
    const documents: OutgoingDocument[] = [];
    for (let i = 0; i < count; i += 1)
      documents.push(
        await signedDocument({ agency, drafter, leader, draft, leaderSigned, fields: {} }),
      );
    return { agency, clerk, documents };
  }

  const numbersOf = async (agency: Agency) =>
    (
      await OutgoingDocument.findAll({
        where: { agencyId: agency.id, status: 'issued' },
        attributes: ['codeNumber'],
      })
    )
      .map((d) => d.codeNumber!)
      .sort((a, b) => a - b);

  it('gives 100 concurrent issuances of 100 signed documents the numbers 1..100 exactly', async () => {
    const { agency, clerk, documents } = await world(100);
    const issued = await Promise.all(
      documents.map((d) => issueOutgoing(d.id, placements, { user: clerk, ip: null })),
    );
    expect(issued.map((d) => d.codeNumber).sort((a, b) => a! - b!)).to.deep.equal(range(1, 100));
    expect(await numbersOf(agency)).to.deep.equal(range(1, 100));
    const register = await Register.findOne({
      where: { agencyId: agency.id, kind: 'outgoing', series: '' },
    });
    expect(register!.lastNumber).to.equal(100);
  });

  it('leaves no gap when issuances fail after taking their number: the numbers go to the next ones', async () => {
    const { agency, clerk, documents } = await world(40);
    const failing = new Set(documents.filter((_, i) => i % 4 === 1).map((d) => d.id));
    const outcomes = await Promise.allSettled(
      documents.map((d) =>
        issueOutgoing(
          d.id,
          placements,
          { user: clerk, ip: null },
          {
            failAfterNumber: failing.has(d.id)
              ? async () => {
                  throw new AppError('INJECTED', 500);
                }
              : undefined,
          },
        ),
      ),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).to.have.length(failing.size);
    for (const r of refused) expect((r.reason as AppError).code).to.equal('INJECTED');
    expect(await numbersOf(agency)).to.deep.equal(range(1, 30));
    const retried = await Promise.all(
      [...failing].map((id) => issueOutgoing(id, placements, { user: clerk, ip: null })),
    );
    expect(retried.map((d) => d.codeNumber).sort((a, b) => a! - b!)).to.deep.equal(range(31, 40));
    expect(await numbersOf(agency)).to.deep.equal(range(1, 40));
  });
  const reservationsOf = async (agency: Agency) => {
    const register = await Register.findOne({
      where: { agencyId: agency.id, kind: 'outgoing', series: '' },
    });
    const rows = await NumberReservation.findAll({ where: { registerId: register!.id } });
    return {
      register: register!,
      free: rows.filter((r) => r.status === 'free').map((r) => r.number),
      held: rows.filter((r) => r.status === 'held').map((r) => r.number),
    };
  };

  it('gives back the numbers of issuances that fail after their number was reserved and sealed: every number is issued or free, and the next issuances take the free ones', async () => {
    const { agency, clerk, documents } = await world(40);
    const failing = new Set(documents.filter((_, i) => i % 4 === 1).map((d) => d.id));
    const outcomes = await Promise.allSettled(
      documents.map((d) =>
        issueOutgoing(
          d.id,
          placements,
          { user: clerk, ip: null },
          {
            failAfterSeal: failing.has(d.id)
              ? async () => {
                  throw new AppError('INJECTED', 500);
                }
              : undefined,
          },
        ),
      ),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).to.have.length(failing.size);
    for (const r of refused) expect((r.reason as AppError).code).to.equal('INJECTED');
    const issued = await numbersOf(agency);
    expect(issued).to.have.length(30);
    const { register, free, held } = await reservationsOf(agency);
    expect(held).to.deep.equal([]);
    // Nothing lost: the issued and the given-back numbers are 1..lastNumber, each once.
    expect([...issued, ...free].sort((a, b) => a - b)).to.deep.equal(range(1, register.lastNumber));
    const retried = await Promise.all(
      [...failing].map((id) => issueOutgoing(id, placements, { user: clerk, ip: null })),
    );
    expect(retried).to.have.length(10);
    const after = await reservationsOf(agency);
    expect(after.free).to.deep.equal([]);
    expect(after.register.lastNumber).to.equal(40);
    expect(await numbersOf(agency)).to.deep.equal(range(1, 40));
    const dated = await OutgoingDocument.findAll({
      where: { agencyId: agency.id, status: 'issued' },
      order: [['codeNumber', 'ASC']],
    });
    const dates = dated.map((d) => String(d.promulgationDate));
    expect(dates).to.deep.equal([...dates].sort());
  });

  it('sweeps back a number held by a crashed process once its reservation expires; the old holder can no longer claim it', async () => {
    const { agency, clerk, documents } = await world(3);
    const [a, b, c] = documents;
    // A process reserved a number for `a`, then died before committing or giving it back.
    const year = Number(todayInVietnam().slice(0, 4));
    const crashed = await reserveNumber(
      { agencyId: agency.id, kind: 'outgoing', year, series: '' },
      { document: { kind: 'outgoing', id: a!.id } },
    );
    expect(crashed.number).to.equal(1);
    // Held, not free: the next issuance takes the next number.
    const second = await issueOutgoing(b!.id, placements, { user: clerk, ip: null });
    expect(second.codeNumber).to.equal(2);
    // Not yet expired: the sweep leaves it held.
    expect(await sweepNumberReservations(new Date(), crashed.registerId)).to.equal(0);
    const later = new Date(Date.now() + RESERVATION_TIMEOUT_MS + 1000);
    expect(await sweepNumberReservations(later, crashed.registerId)).to.equal(1);
    expect((await reservationsOf(agency)).free).to.deep.equal([1]);
    const refusal = await withTransaction(db(), undefined, (transaction) =>
      claimNumber(crashed, transaction),
    ).catch((e: unknown) => e);
    expect((refusal as AppError).code).to.equal('NUMBER_RESERVATION_EXPIRED');
    expect((refusal as AppError).status).to.equal(409);
    const third = await issueOutgoing(c!.id, placements, { user: clerk, ip: null });
    expect(third.codeNumber).to.equal(1);
    const first = await issueOutgoing(a!.id, placements, { user: clerk, ip: null });
    expect(first.codeNumber).to.equal(3);
    expect(await numbersOf(agency)).to.deep.equal([1, 2, 3]);
    const { free, held } = await reservationsOf(agency);
    expect([...free, ...held]).to.deep.equal([]);
  });
});
