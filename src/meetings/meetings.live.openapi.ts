/**
 * The OpenAPI paths of the live room (meetings.live.api.ts), made from the zod schemas its
 * actions validate with.
 */
import { errorResponse, jsonBody, ok, pathParam as param } from '../api/openapi-kit.js';
import { LIVE_ACTIONS } from './meetings.live.actions.js';

const common = {
  401: errorResponse('No or invalid token'),
  404: errorResponse('No such meeting (or not one the caller may see)'),
};

const SUMMARIES: Record<string, string> = {
  '/:id/open': 'Open the meeting (chair or secretary): in progress, the first item current',
  '/:id/close': 'Close the meeting: the current item done, the floor ended',
  '/:id/item': 'Move the current item: { to: "next" | "previous" | itemId }',
  '/:id/timer': 'Start or stop the current item’s timer',
  '/:id/attendance':
    'Check a participant in by hand: present, online, absent (with a reason), deputy',
  '/:id/speeches': 'Ask to speak on the current item (one open request at a time)',
  '/:id/speeches/:speechId/withdraw': 'Withdraw one’s request to speak',
  '/:id/speeches/:speechId/grant': 'Give the floor for some minutes (chair or secretary)',
  '/:id/speeches/:speechId/end': 'End the speech',
  '/:id/speeches/:speechId/decline': 'Decline a request to speak',
};

const openApiPath = (p: string) => `/meetings${p.replace(/:([A-Za-z]+)/g, '{$1}')}`;

/** Paths to spread into meetingPaths(). */
export function meetingLivePaths(): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/meetings/checkin/{token}': {
      post: {
        summary: 'Check oneself in with the room’s QR code (an invitee, or the deputy they named)',
        parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('{ meetingId, participantId, attendance, already }'), ...common },
      },
    },
    '/meetings/{id}/live': {
      get: {
        summary: 'The live state: current item (details only when cleared), queue, presence',
        parameters: [param('id')],
        responses: { 200: ok('LiveState, with lastEventId to follow the stream from'), ...common },
      },
    },
    '/meetings/{id}/events': {
      get: {
        summary:
          'Server-sent events of the meeting (text/event-stream; id = event id; Last-Event-ID header or ?lastEventId catches up)',
        parameters: [
          param('id'),
          { name: 'lastEventId', in: 'query', required: false, schema: { type: 'integer' } },
        ],
        responses: {
          200: {
            description: 'data: { type, data, at } per event; ": hb" comments as heartbeat',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...common,
        },
      },
    },
    '/meetings/{id}/presence': {
      get: {
        summary: 'Who is present now, with the vote weights quorum counts',
        parameters: [param('id')],
        responses: { 200: ok('{ participants, presentVoting, totalVoting, …Weight }'), ...common },
      },
    },
    '/meetings/{id}/speeches': {
      get: {
        summary: 'Who spoke on what and for how long',
        parameters: [param('id')],
        responses: {
          200: ok('{ speeches: [{ itemId, itemTitle, speakerName, seconds }] }'),
          ...common,
        },
      },
    },
  };
  for (const action of LIVE_ACTIONS) {
    const path = openApiPath(action.path);
    const post = {
      summary: SUMMARIES[action.path] ?? action.path,
      parameters: [...action.path.matchAll(/:([A-Za-z]+)/g)].map((m) => param(m[1])),
      ...(action.body ? { requestBody: jsonBody(action.body) } : {}),
      responses: {
        200: ok('What changed'),
        403: errorResponse('Not the caller’s to do'),
        409: errorResponse('Not in this state of the meeting'),
        422: errorResponse('Invalid input (Vietnamese message per field)'),
        ...common,
      },
    };
    const existing = (paths[path] ?? {}) as Record<string, unknown>;
    paths[path] = { ...existing, post };
  }
  return paths;
}
