/**
 * Fuzz worker: a long-lived child process that runs cases sent by the parent over IPC
 * (advanced serialization, so the PDF travels as bytes) and answers with the outcomes.
 */
import { loadIdentity, runCase } from './case.js';

interface Job {
  id: number;
  pdf: Uint8Array;
  appearance: boolean;
}

const dir = process.argv[2];
if (!dir || !process.send) {
  console.error('fuzz worker: run by bench/fuzz-pdf/run.ts');
  process.exit(2);
}
const identity = loadIdentity(dir);

process.on('message', (job: Job) => {
  const pdf = Buffer.from(job.pdf.buffer, job.pdf.byteOffset, job.pdf.byteLength);
  void runCase(pdf, identity, job.appearance).then((result) => {
    process.send!({ id: job.id, result, rss: process.memoryUsage().rss });
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
