// Loads a TypeScript worker module in a worker thread when the app runs from its sources (tsx in
// development and tests): a worker does not reliably inherit tsx's loader, so it is asked for
// here. The build (dist/) loads its compiled .js workers directly and never comes here.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const worker = await tsImport(workerData.tsModule, import.meta.url);

export default worker.default;
