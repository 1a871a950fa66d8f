import { expect } from 'chai';
import type { Agency } from '../../src/agencies/agency.model.js';
import { findPlacements } from '../../src/drafting/placement.js';
import { AppError } from '../../src/http/app-error.js';
import { issueOutgoing, type IssuePlacements } from '../../src/outgoing/outgoing.issue.js';
import { OutgoingDocument } from '../../src/outgoing/outgoing.model.js';
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
});
