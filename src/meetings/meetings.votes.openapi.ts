/**
 * The OpenAPI paths of the votes (src/meetings/meetings.votes.api.ts), made from the zod schemas
 * the routes validate with.
 */
import { errorResponse, jsonBody, ok, pathParam as param } from '../api/openapi-kit.js';
import { CastSchema, OpenVoteSchema, RecordBallotSchema } from './meetings.votes.schemas.js';

const params = [param('id'), param('voteId')];
const common = {
  401: errorResponse('No or invalid token'),
  404: errorResponse('No such meeting visible to the caller, or no such vote in it'),
};
const VOTE =
  '{ voteId, question, options, secret, mode, deadline, quorumRule, majorityRule, eligible, ' +
  'status, cast, mine, canCast, canRun, voters (chair/secretary), result { passed, quorumMet, ' +
  'sentence, tallies }, named (closed named vote), ballots (closed secret vote: receipt, option) }';

/** Paths to spread into the document's `paths`. */
export function meetingVotePaths() {
  return {
    '/meetings/{id}/votes': {
      get: {
        summary: 'The votes of a meeting, newest first, each as the caller may see it',
        parameters: [param('id')],
        responses: { 200: ok(`{ votes: [${VOTE}] }`), ...common },
      },
      post: {
        summary:
          'Open a vote (chair or secretary): in the room while the meeting is in progress, or a ' +
          'written opinion (mode "written") until a deadline; options default to Đồng ý / Không ' +
          'đồng ý / Không biểu quyết. The voting members and their presence are kept with the vote.',
        parameters: [param('id')],
        requestBody: jsonBody(OpenVoteSchema),
        responses: {
          201: ok(VOTE),
          403: errorResponse('Not the chair or the secretary'),
          409: errorResponse('Meeting not running, or a vote in the room is still open'),
          422: errorResponse('Invalid question, options, item, rules or deadline'),
          ...common,
        },
      },
    },
    '/meetings/{id}/votes/{voteId}': {
      get: {
        summary: 'One vote: progress, the caller’s part, and once closed the result and ballots',
        parameters: params,
        responses: { 200: ok(VOTE), ...common },
      },
    },
    '/meetings/{id}/votes/{voteId}/ballots': {
      post: {
        summary:
          'Cast the caller’s vote (or, as deputy, the vote of the member who sent them: ' +
          'participantId). One per member; a secret ballot answers with its receipt code, shown ' +
          'only here.',
        parameters: params,
        requestBody: jsonBody(CastSchema),
        responses: {
          201: ok(
            '{ voteId, participantId, option (null when secret), receipt (secret), channel }',
          ),
          403: errorResponse('Not a voting member present at opening, nor their deputy'),
          409: errorResponse(
            'Already voted for that member, the vote is closed or past its deadline',
          ),
          422: errorResponse('Invalid option, or a deputy of several members did not say for whom'),
          ...common,
        },
      },
    },
    '/meetings/{id}/votes/{voteId}/record': {
      post: {
        summary:
          'Record a member’s vote given by phone (written opinion) or by hand in the room ' +
          '(chair or secretary); the record says who recorded it',
        parameters: params,
        requestBody: jsonBody(RecordBallotSchema),
        responses: {
          201: ok('{ voteId, participantId, option, receipt, channel }'),
          403: errorResponse('Not the chair or the secretary'),
          409: errorResponse('Already voted, closed or past the deadline'),
          422: errorResponse('Not a member of the vote, or invalid option'),
          ...common,
        },
      },
    },
    '/meetings/{id}/votes/{voteId}/close': {
      post: {
        summary:
          'Close the vote (chair or secretary): the result is computed with the quorum and majority ' +
          'rules and stated in a sentence ("Thông qua: 17/25 thành viên đồng ý, trên 1/2 tổng số")',
        parameters: params,
        responses: {
          200: ok(VOTE),
          403: errorResponse('Not the chair or the secretary'),
          409: errorResponse('Already closed'),
          ...common,
        },
      },
    },
  };
}
