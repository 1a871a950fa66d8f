import { MessageChannel, type MessagePort, type Transferable } from 'node:worker_threads';
import { Piscina } from 'piscina';

/** What each process's pool may use: threads, and per job a time and a heap limit. */
export interface PoolLimits {
  threads: number;
  timeoutMs: number;
  memoryMb: number;
  /** Jobs waiting for a thread before new ones are turned away. */
  maxQueue: number;
}

/** Why a job gave no answer: it ran too long, its worker ran out of memory, or the queue was full. */
export type JobStopReason = 'timeout' | 'memory' | 'busy';

export class JobStopped extends Error {
  constructor(readonly reason: JobStopReason) {
    super(`worker job stopped: ${reason}`);
    this.name = 'JobStopped';
  }
}

/** What a worker task receives: its input and the port that says it has begun. */
export interface Job<T> {
  task: string;
  started: MessagePort;
  input: T;
}

type Task = (job: Job<any>) => unknown;

/** A worker module's default export: runs the job's task among these. */
export function serveTasks(tasks: Record<string, Task>): Task {
  return (job) => {
    const task = Object.hasOwn(tasks, job.task) ? tasks[job.task] : undefined;
    if (!task) throw new Error(`no task ${job.task} in this worker`);
    return task(job);
  };
}

/** Called first by every task in the worker: the job's time runs from here, not from the queue. */
export function jobStarted<T>(job: Job<T>): T {
  job.started.postMessage(true);
  job.started.close();
  return job.input;
}

/**
 * A piscina pool whose jobs are bounded: a job still running `timeoutMs` after it began is
 * aborted (piscina terminates its worker), a worker past `memoryMb` of heap dies of it, and in
 * both cases the pool starts a fresh worker for the next job. Threads start on the first job.
 */
export class LimitedPool {
  #pool: Piscina | null = null;

  constructor(
    readonly filename: URL,
    readonly limits: PoolLimits,
  ) {}

  #create(): Piscina {
    // A .ts worker (tsx in development and tests) is loaded through tsx by a small shim.
    const isTs = this.filename.pathname.endsWith('.ts');
    return new Piscina({
      filename: isTs ? new URL('./ts-worker.mjs', import.meta.url).href : this.filename.href,
      workerData: isTs ? { tsModule: this.filename.href } : undefined,
      minThreads: this.limits.threads,
      maxThreads: this.limits.threads,
      maxQueue: this.limits.maxQueue,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb },
    });
  }

  /** Runs the worker's task `task` on `input`; rejects with JobStopped when a limit is hit. */
  async run<T, R>(task: string, input: T, transferList: Transferable[] = []): Promise<R> {
    this.#pool ??= this.#create();
    const { port1, port2 } = new MessageChannel();
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    port1.once('message', () => {
      timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, this.limits.timeoutMs);
    });
    const job: Job<T> = { task, started: port2, input };
    try {
      return (await this.#pool.run(job, {
        signal: abort.signal,
        transferList: [port2, ...transferList] as never,
      })) as R;
    } catch (err) {
      if (timedOut) throw new JobStopped('timeout');
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') throw new JobStopped('memory');
      if ((err as Error).message === 'Task queue is at limit') throw new JobStopped('busy');
      throw err;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  /** Stops the threads (tests, shutdown); the next job starts new ones. */
  async destroy(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    await pool?.destroy();
  }
}
