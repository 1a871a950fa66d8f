/**
 * Written opinions (phiếu lấy ý kiến) close at their deadline: the result is computed and
 * announced as when the chair closes a vote, with no person named as closing it.
 */
import type { Logger } from 'pino';
import { Op } from 'sequelize';
import { db } from '../db/index.js';
import { withTransaction } from '../db/transaction.js';
import { MeetingVote } from './meeting-vote.model.js';
import { finishVote, lockVote } from './meetings.votes.service.js';

/**
 * Closes the written opinions whose deadline has passed, each in its own transaction (any
 * process may run this: a vote another one closed first is left alone). Returns their ids.
 */
export async function closeExpiredVotes(now = new Date()): Promise<number[]> {
  const due = await MeetingVote.findAll({
    where: { status: 'open', deadline: { [Op.lte]: now } },
    attributes: ['id', 'meetingId'],
    order: [['id', 'ASC']],
  });
  const closed: number[] = [];
  for (const { id, meetingId } of due) {
    const done = await withTransaction(db(), undefined, async (transaction) => {
      const vote = await lockVote(meetingId, id, 'update', transaction);
      if (vote.status !== 'open') return false;
      await finishVote(vote, null, transaction);
      return true;
    });
    if (done) closed.push(id);
  }
  return closed;
}

/** Checks every minute for written opinions past their deadline; returns the stop function. */
export function scheduleVoteDeadlines(logger: Logger, everyMs = 60_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    closeExpiredVotes()
      .then((ids) => {
        if (ids.length > 0)
          logger.info({ votes: ids }, 'written opinions closed at their deadline');
      })
      .catch((err: unknown) => logger.error({ err }, 'closing votes at their deadline failed'))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
