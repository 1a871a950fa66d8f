// Every domain's rules register here so that can() knows them all before the first request.
import './core.policy.js';
import './incoming.policy.js';
import './registers.policy.js';
import '../reports/reports.policy.js';
import '../users/delegations.policy.js';
import '../users/directory.policy.js';
import '../approvals/approvals.policy.js';
import '../outgoing/outgoing.policy.js';
import '../outgoing/deliveries.policy.js';
import './verify.policy.js';
import '../senders/senders.policy.js';
import '../saved-searches/saved-searches.policy.js';
import '../records-files/records-files.policy.js';
import '../signing-keys/signing-keys.policy.js';
import '../meetings/meetings.policy.js';
import '../meetings/meetings.prepare.policy.js';
import '../meetings/meetings.minutes.policy.js';
import '../meetings/meetings.tasks.policy.js';
import '../meetings/meetings.calendar.policy.js';
import '../meetings/meetings.live.policy.js';
import '../meetings/meetings.votes.policy.js';

export { authorize, can, definedActions, definePublicRules, defineRules } from './policy.js';
