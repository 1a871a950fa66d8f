import { defineRules } from '../policy/policy.js';
import type { User } from '../users/user.model.js';
import type { DeliveryAccess } from './outgoing.deliveries.js';
import type { OutgoingAccess } from './outgoing.access.js';
import { canViewOutgoing } from './outgoing.policy.js';

/**
 * A delivery (an outgoing document sent to an agency of this deployment) is the receiving
 * agency's clerks' business: they see it, register it, refuse it and answer its recall. To
 * everyone else, the sender's own people included, it does not exist (404); the sender follows it
 * from the outgoing document.
 */
export function isRecipientClerk(user: User, a: DeliveryAccess): boolean {
  return (
    Boolean(a?.recipient) &&
    user.hasRole('clerk') &&
    a.recipient.recipientAgencyId === user.agencyId &&
    a.recipient.status != null &&
    // A secret document is for the clerks cleared for it, as on the incoming side.
    a.document.confidentiality <= user.secretClearance
  );
}

/** Its files, until the recipient accepted its recall (15): then it is gone from them. */
const mayOpenFiles = (user: User, a: DeliveryAccess) =>
  isRecipientClerk(user, a) && a.recipient.recallStatus !== '15';

defineRules({
  'delivery.list': (user) => user.hasRole('clerk'),
  'delivery.view': (user, a: DeliveryAccess) => isRecipientClerk(user, a),
  'delivery.download': (user, a: DeliveryAccess) => mayOpenFiles(user, a),
  'delivery.register': (user, a: DeliveryAccess) => isRecipientClerk(user, a),
  'delivery.refuse': (user, a: DeliveryAccess) => isRecipientClerk(user, a),
  'delivery.answerRecall': (user, a: DeliveryAccess) => isRecipientClerk(user, a),
  // The sender's tracking of each recipient: whoever may see the outgoing document.
  'outgoing.deliveryStatus': (user, a: OutgoingAccess) => canViewOutgoing(user, a),
});
