import { meetingPreparePaths } from './meetings.prepare.openapi.js';
import { meetingLivePaths } from './meetings.live.openapi.js';
import { meetingTaskPaths } from './meetings.tasks.openapi.js';
import { meetingVotePaths } from './meetings.votes.openapi.js';

import { meetingMinutesPaths } from './meetings.minutes.openapi.js';
import { meetingCalendarPaths } from './meetings.calendar.openapi.js';

/**
 * The OpenAPI paths of /api/v1/meetings, made from the zod schemas the routes validate with.
 * Each part of the module spreads its paths in here.
 */
export function meetingPaths(): Record<string, unknown> {
  return {
    ...meetingPreparePaths(),
    ...meetingMinutesPaths(),
    ...meetingLivePaths(),
    ...meetingTaskPaths(),
    ...meetingVotePaths(),
    ...meetingCalendarPaths(),
  };
}
