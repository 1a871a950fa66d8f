import { expect } from 'chai';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildUser } from '../factories/index.js';
import { buildOffice, registerThroughForm, signIn } from './incoming-helpers.js';
import { todayInVietnam } from '../../src/calendar/working-days.js';
import { db } from '../../src/db/index.js';

const vietnamMidnight = (iso: string) => new Date(`${iso}T00:00:00+07:00`);
const MINUTE = 60_000;

async function setRegisteredAt(id: number, at: Date): Promise<void> {
  // escape() writes the date in the connection's time zone (as replacements do, see columnDates).
  await db().query(`UPDATE incoming_documents SET createdAt = ${db().escape(at)} WHERE id = ?`, {
    replacements: [id],
  });
}

const listedIds = (html: string) =>
  [...html.matchAll(/<tr class="[^"]*" data-id="(\d+)">/g)].map((m) => Number(m[1])).sort();

describe('"Vào sổ hôm nay" (issue 11 §7)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('opens exactly the documents registered today (Vietnam day) in the agency that the viewer may see', async () => {
    const office = await buildOffice();
    const cleared = await buildUser(office.agency, ['clerk'], { secretClearance: 3 });
    const clerk = await signIn(ctx.app, office.clerk);
    const secretClerk = await signIn(ctx.app, cleared);
    const other = await buildOffice();
    const outsider = await signIn(ctx.app, other.clerk);

    const early = await registerThroughForm(clerk, { subject: 'Vào sổ lúc 00:05 giờ Việt Nam' });
    const now = await registerThroughForm(clerk, { subject: 'Vào sổ bây giờ' });
    const lateYesterday = await registerThroughForm(clerk, { subject: 'Vào sổ 23:55 hôm qua' });
    const secret = await registerThroughForm(secretClerk, {
      subject: 'Văn bản mật hôm nay',
      confidentiality: '1',
    });
    const foreign = await registerThroughForm(outsider, { subject: 'Cơ quan khác hôm nay' });
    const midnight = vietnamMidnight(todayInVietnam());
    await setRegisteredAt(early, new Date(midnight.getTime() + 5 * MINUTE));
    // 23:55 in Vietnam the evening before is 16:55 UTC "today" for part of the day: not today.
    await setRegisteredAt(lateYesterday, new Date(midnight.getTime() - 5 * MINUTE));

    const dashboard = await clerk.session.agent.get('/');
    const card =
      /<a[^>]*href="([^"]+)"[^>]*data-testid="card-registered-today"[^>]*>([\s\S]*?)<\/a>/.exec(
        dashboard.text,
      );
    expect(card, 'the dashboard shows the card').to.not.equal(null);
    const href = card![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    expect(href).to.contain('registeredToday=1');
    expect(card![2]).to.match(/>\s*2\s*</);

    const list = await clerk.session.agent.get(href);
    expect(list.status).to.equal(200);
    expect(listedIds(list.text)).to.deep.equal([early, now].sort());
    expect(list.text).to.contain('data-testid="registered-today-filter"');
    for (const id of [lateYesterday, secret, foreign])
      expect(list.text).to.not.contain(`data-id="${id}"`);

    const cleared2 = await secretClerk.session.agent.get(href);
    expect(listedIds(cleared2.text)).to.deep.equal([early, now, secret].sort());

    // Without the filter the "all" tab still lists the earlier document.
    const all = await clerk.session.agent.get('/incoming?tab=all');
    expect(all.text).to.contain(`data-id="${lateYesterday}"`);
  });
});
