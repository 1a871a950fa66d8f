/**
 * npm run bench:issue — full issuance of outgoing documents over the JSON API: see issue-bench.ts.
 * The module hooks are registered before the application is imported, so its imports of the
 * signature providers go through the timed wrapper (timed-providers.ts).
 */
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
const { runIssueBench } = await import('./issue-bench.js');
await runIssueBench();
