import { defineRules } from '../policy/policy.js';
import type { MeetingItem } from './meeting.model.js';
import type { MeetingAccess } from './meetings.access.js';
import { organises } from './meetings.policy.js';

// Preparing a meeting: the questions asked on an item before the meeting are for those who
// answer them, the organisers and the item's presenter (the asker always reads their own).
defineRules({
  'meetings.questions.read': (user, r: { access: MeetingAccess; item: MeetingItem }) =>
    organises(r.access) || (r.item.presenterId != null && r.item.presenterId === user.id),
});
