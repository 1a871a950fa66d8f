/**
 * Background jobs on documents, kept in the database so that any process on any machine may run
 * them: a job is claimed by one runner with a conditional UPDATE (status and lease), retried a
 * few times when its runner died, and its outcome is written back. Handlers are registered per
 * job kind by the flows that use them (e.g. 'docx-to-pdf' by outgoing drafts).
 */
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { db } from '../db/index.js';
import { DocumentJob } from './document-job.model.js';
import type { DocumentRef } from './step-runner.js';

export type JobHandler = (job: DocumentJob) => Promise<void>;

const handlers = new Map<string, JobHandler>();
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 3;

export function registerJobHandler(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
}

/** Stops running a kind in this process (a test that ran its jobs leaves the others' queued). */
export function unregisterJobHandler(kind: string): void {
  handlers.delete(kind);
}

/** Queues a job in the caller's transaction (it runs once that commits). */
export async function enqueueJob(
  kind: string,
  ref: DocumentRef,
  payload: Record<string, unknown>,
  createdById: number | null,
  transaction: Transaction,
): Promise<DocumentJob> {
  return DocumentJob.create(
    {
      kind,
      documentKind: ref.kind,
      documentId: ref.id,
      payload: JSON.stringify(payload),
      status: 'queued',
      createdById,
    },
    { transaction },
  );
}

/** Takes the oldest runnable job of a registered kind for this runner, or null. */
async function claimJob(now = new Date()): Promise<DocumentJob | null> {
  const kinds = [...handlers.keys()];
  if (kinds.length === 0) return null;
  const candidates = await DocumentJob.findAll({
    where: {
      kind: kinds,
      [Op.or]: [{ status: 'queued' }, { status: 'running', lockedUntil: { [Op.lt]: now } }],
    },
    order: [['id', 'ASC']],
    limit: 5,
  });
  for (const job of candidates) {
    const lockedUntil = new Date(now.getTime() + LEASE_MS);
    // attempts counts claims, so it tells a second claimer that the job was taken meanwhile;
    // QueryTypes.UPDATE gives the affected row count on SQLite and MariaDB alike.
    const [, affected] = await db().query(
      `UPDATE document_jobs SET status = 'running', attempts = attempts + 1, lockedUntil = ?,
              updatedAt = ?
        WHERE id = ? AND status = ? AND attempts = ?`,
      {
        replacements: [lockedUntil, now, job.id, job.status, job.attempts],
        type: QueryTypes.UPDATE,
      },
    );
    if (Number(affected) === 1) {
      await job.reload();
      return job;
    }
  }
  return null;
}

/** Runs queued jobs until none is left (or `max`); returns how many ran. */
export async function runQueuedJobs(max = 50): Promise<number> {
  let ran = 0;
  while (ran < max) {
    const job = await claimJob();
    if (!job) break;
    ran += 1;
    const handler = handlers.get(job.kind)!;
    try {
      await handler(job);
      await job.update({ status: 'done', lockedUntil: null, error: null });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retry = job.attempts < MAX_ATTEMPTS && isTransient(err);
      await job.update({
        status: retry ? 'queued' : 'failed',
        lockedUntil: null,
        error: message.slice(0, 2000),
      });
    }
  }
  return ran;
}

const isTransient = (err: unknown) =>
  err instanceof Error && (err as { transient?: boolean }).transient === true;

/** The latest job of a kind for a document (what a page shows: converting, failed, done). */
export async function latestJob(
  ref: DocumentRef,
  kind: string,
  transaction?: Transaction,
): Promise<DocumentJob | null> {
  return DocumentJob.findOne({
    where: { documentKind: ref.kind, documentId: ref.id, kind },
    order: [['id', 'DESC']],
    transaction,
  });
}

let timer: NodeJS.Timeout | null = null;
let running: Promise<unknown> | null = null;

/** Polls for jobs every `intervalMs` in this process (started by the server, not by tests). */
export function startJobRunner(intervalMs = 2000, onError?: (err: unknown) => void): void {
  if (timer) return;
  timer = setInterval(() => {
    if (running) return;
    running = runQueuedJobs()
      .catch((err) => onError?.(err))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
}

export async function stopJobRunner(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = null;
  await running;
}
