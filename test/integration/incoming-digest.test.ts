import { expect } from 'chai';
import { Op } from 'sequelize';
import { IncomingAssignment } from '../../src/incoming/incoming.model.js';
import { Holiday } from '../../src/calendar/calendar.model.js';
import { minutesOfDay } from '../../src/calendar/time-of-day.js';
import { isWorkingDay } from '../../src/calendar/working-days.js';
import pino from 'pino';
import { QueryTypes } from 'sequelize';
import { withinSendWindow } from '../../src/calendar/daily-job.js';
import { db } from '../../src/db/index.js';
import { scheduleDailyDigest, sendDailyDigest } from '../../src/incoming/incoming.reminders.js';
import { Notification } from '../../src/notifications/notification.model.js';
import { testApp, type TestContext } from '../helpers/test-app.js';
import { buildOffice, postForm, registerThroughForm, signInAll } from './incoming-helpers.js';
import { notificationText } from '../../src/notifications/notification-text.js';

const inDays = (days: number) =>
  new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

const digestOf = (userId: number) =>
  Notification.findAll({ where: { userId, kind: 'incoming.digest' } });

describe('daily reminders (nhắc việc hằng ngày)', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await testApp();
  });

  it('tells each holder once how much is overdue and due today; info-only and finished work are left out', async () => {
    const office = await buildOffice();
    const [clerk, leader, head, supporter] = await signInAll(ctx, [
      office.clerk,
      office.leader,
      office.deptHead,
      office.supporter,
    ]);
    const earlier = inDays(40);
    const day = inDays(45);
    for (const subject of ['Văn bản thứ nhất', 'Văn bản thứ hai']) {
      const id = await registerThroughForm(clerk, { subject });
      await postForm(clerk, `/incoming/${id}/present`, { leaderId: String(office.leader.id) });
      const directed = await postForm(leader, `/incoming/${id}/direct`, {
        lead: `d:${office.department.id}`,
        leadDeadline: day,
        support: `u:${office.supporter.id}`,
        supportDeadline: earlier,
        info: `u:${office.reader.id}`,
      });
      expect(directed.status, directed.text.slice(0, 300)).to.equal(303);
      const top = await IncomingAssignment.findOne({
        where: { documentId: id, parentId: null, role: 'lead' },
      });
      await postForm(head, `/incoming/${id}/assign`, {
        assignmentId: String(top!.id),
        userId: String(office.specialist.id),
        deadline: earlier,
      });
    }
    // The supporter finishes one of the two: only the other is still theirs.
    const supports = await IncomingAssignment.findAll({
      where: { assigneeUserId: office.supporter.id, role: 'support' },
      order: [['id', 'ASC']],
    });
    const finished = await postForm(supporter, `/incoming/${supports[0].documentId}/complete`, {
      assignmentId: String(supports[0].id),
      resultNote: 'Đã phối hợp xong',
    });
    expect(finished.status).to.equal(303);

    const run = await sendDailyDigest(day);
    expect(run!.day).to.equal(day);
    expect(run!.recipients).to.be.at.least(3);
    const [forSpecialist] = await digestOf(office.specialist.id);
    expect(notificationText(forSpecialist, 'vi')).to.contain(
      '2 việc quá hạn và 0 việc đến hạn hôm nay',
    );
    expect(forSpecialist.link).to.equal('/incoming?tab=toHandle');
    const [forHead] = await digestOf(office.deptHead.id);
    expect(notificationText(forHead, 'vi')).to.contain('0 việc quá hạn và 2 việc đến hạn hôm nay');
    const [forSupporter] = await digestOf(office.supporter.id);
    expect(notificationText(forSupporter, 'vi')).to.contain(
      '1 việc quá hạn và 0 việc đến hạn hôm nay',
    );
    expect(await digestOf(office.reader.id)).to.have.length(0);
    expect(await digestOf(office.clerk.id)).to.have.length(0);

    // The same day again (another process, a restart): nothing is sent twice.
    expect(await sendDailyDigest(day)).to.equal(null);
    expect(await digestOf(office.specialist.id)).to.have.length(1);
    // A day before the deadlines nobody in this office is told anything.
    await sendDailyDigest(inDays(39));
    const since = await Notification.count({
      where: {
        kind: 'incoming.digest',
        userId: { [Op.in]: [office.specialist.id, office.deptHead.id, office.supporter.id] },
      },
    });
    expect(since).to.equal(3);
  });

  it('runs one digest a day however many processes try at once', async () => {
    const day = inDays(60);
    const runs = await Promise.all(Array.from({ length: 5 }, () => sendDailyDigest(day)));
    expect(runs.filter((r) => r !== null)).to.have.length(1);
  });

  it('is scheduled by the shared daily job: a working morning from the set time, by one of several processes', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const claimed = async (day: string) =>
      (
        await db().query<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM scheduled_runs WHERE name = ? AND runDate = ?',
          { replacements: ['incoming.daily_digest', day], type: QueryTypes.SELECT },
        )
      ).map((r) => Number(r.n))[0];
    // Two serving processes, each with its own schedule, at 07:35 on a Monday.
    const monday = '2031-03-10';
    const at = () => new Date(`${monday}T07:35:00+07:00`);
    const stops = [1, 2].map(() => scheduleDailyDigest('07:30', logger, 3_600_000, at));
    await Promise.all(stops.map((stop) => stop()));
    expect(await claimed(monday)).to.equal(1);
    expect(lines.filter((l) => l.includes('daily reminders sent'))).to.have.length(1);
    // A Saturday morning, and a working day before the set time: nothing is claimed.
    for (const [day, time] of [
      ['2031-03-08', '08:00'],
      ['2031-03-11', '07:29'],
    ]) {
      await scheduleDailyDigest(
        '07:30',
        logger,
        3_600_000,
        () => new Date(`${day}T${time}:00+07:00`),
      )();
      expect(await claimed(day), day).to.equal(0);
    }
  });

  it('sends from the set time for a working morning, not in the evening', () => {
    const at = minutesOfDay('07:30')!;
    const vietnam = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00+07:00`);
    expect(withinSendWindow(vietnam('07:29'), at)).to.equal(false);
    expect(withinSendWindow(vietnam('07:30'), at)).to.equal(true);
    expect(withinSendWindow(vietnam('11:00'), at)).to.equal(true);
    expect(withinSendWindow(vietnam('15:30'), at)).to.equal(false);
    expect(withinSendWindow(vietnam('23:00'), at)).to.equal(false);
  });

  it('counts weekends and configured holidays as days off', async () => {
    expect(await isWorkingDay('2026-11-21')).to.equal(false); // Saturday
    expect(await isWorkingDay('2026-11-23')).to.equal(true); // Monday
    await Holiday.findOrCreate({
      where: { date: '2031-09-02' },
      defaults: { date: '2031-09-02', name: 'Quốc khánh' },
    });
    expect(await isWorkingDay('2031-09-02')).to.equal(false); // a Tuesday, but a holiday
  });

  it('reads the time of day it is configured with', () => {
    expect(minutesOfDay('07:30')).to.equal(450);
    expect(minutesOfDay('23:59')).to.equal(1439);
    expect(minutesOfDay('24:00')).to.equal(null);
    expect(minutesOfDay('7h30')).to.equal(null);
    expect(minutesOfDay('')).to.equal(null);
  });
});
