/**
 * The OpenAPI paths of preparing a meeting (meetings.prepare.api.ts), request bodies made from
 * the zod schemas the routes validate with.
 */
import type { z } from 'zod';
import { jsonSchemaOf, queryParametersOf, type JsonSchema } from '../api/json-schema.js';
import { errorResponse, ok, pathParam as param, pdfResponse } from '../api/openapi-kit.js';
import {
  AddParticipantsSchema,
  ItemSchema,
  LinkDocumentSchema,
  MeetingListQuery,
  MeetingSchema,
  MoveItemSchema,
  ReasonSchema,
  RsvpSchema,
  UpdateParticipantSchema,
} from './meetings.prepare.schemas.js';

const common = {
  401: errorResponse('No or invalid token'),
  404: errorResponse('No such meeting (or not one the caller may see)'),
};
const changes = {
  403: errorResponse('Not the caller’s to do (organisers prepare; invitees answer)'),
  409: errorResponse('Not in this state of the meeting or item'),
  422: errorResponse('Invalid input (Vietnamese message per field)'),
  ...common,
};

const TIME = 'Vietnam time, typed dd/mm/yyyy hh:mm (or yyyy-mm-ddThh:mm), e.g. "05/03/2027 08:00"';

/** The JSON Schema of a body; the date-time fields said as the strings they are sent as. */
function body(schema: z.ZodType): JsonSchema {
  const json = jsonSchemaOf(schema);
  const props = json.properties as Record<string, JsonSchema> | undefined;
  for (const name of ['startsAt', 'endsAt'])
    if (props?.[name]) props[name] = { type: 'string', description: TIME };
  return {
    required: true,
    content: { 'application/json': { schema: json } },
  };
}

const post = (
  summary: string,
  params: string[],
  schema: z.ZodType | null,
  response: string,
  status = 200,
) => ({
  post: {
    summary,
    parameters: params.map(param),
    ...(schema ? { requestBody: body(schema) } : {}),
    responses: { [status]: ok(response), ...changes },
  },
});

/** Paths to spread into meetingPaths(). */
export function meetingPreparePaths(): Record<string, unknown> {
  return {
    '/meetings': {
      get: {
        summary: 'Meetings the caller sees, upcoming (by start) or past, 20 a page',
        parameters: queryParametersOf(MeetingListQuery),
        responses: { 200: ok('{ items: Meeting[], total, page, pageSize }'), 401: common[401] },
      },
      post: {
        summary: 'Create a meeting (a draft; the chair and the secretary invited with their roles)',
        requestBody: body(MeetingSchema),
        responses: {
          201: ok('{ meeting, clashes: meetings in the same room at that time }'),
          ...changes,
        },
      },
    },
    '/meetings/{id}': {
      get: {
        summary:
          'The meeting: place, clashes (organisers), participants with their answers, agenda with the documents the caller is cleared for (null otherwise)',
        parameters: [param('id')],
        responses: { 200: ok('{ meeting, room, clashes, participants, agenda }'), ...common },
      },
      ...post('Edit the meeting (organisers)', ['id'], MeetingSchema, '{ meeting, clashes }'),
    },
    '/meetings/{id}/publish': post(
      'Publish the invitations: invitees are notified and see the documents',
      ['id'],
      null,
      '{ meeting }',
    ),
    '/meetings/{id}/cancel': post('Cancel with a reason', ['id'], ReasonSchema, '{ meeting }'),
    '/meetings/{id}/participants': post(
      'Invite people (person), a whole department, people of other agencies (external, as guests) or a guest by name',
      ['id'],
      AddParticipantsSchema,
      '{ participants }',
      201,
    ),
    '/meetings/{id}/participants/{participantId}': post(
      'Change an invitee’s capacity, whether they vote and the weight of their vote',
      ['id', 'participantId'],
      UpdateParticipantSchema,
      '{ participant }',
    ),
    '/meetings/{id}/participants/{participantId}/remove': post(
      'Remove an invitee (never the chair or the secretary)',
      ['id', 'participantId'],
      null,
      '{ ok }',
    ),
    '/meetings/{id}/rsvp': post(
      'Answer one’s invitation: attend, a deputy (deputyUserId), or absent with a reason',
      ['id'],
      RsvpSchema,
      '{ rsvp, deputyUserId, reason, respondedAt }',
    ),
    '/meetings/{id}/items': {
      get: {
        summary: 'The agenda in order (withdrawn items for the organisers only)',
        parameters: [param('id')],
        responses: { 200: ok('{ items }'), ...common },
      },
      ...post('Add an item at the end of the agenda', ['id'], ItemSchema, '{ item }', 201),
    },
    '/meetings/{id}/items/{itemId}': post('Edit an item', ['id', 'itemId'], ItemSchema, '{ item }'),
    '/meetings/{id}/items/{itemId}/move': post(
      'Move an item up, down or to a position (1 = first)',
      ['id', 'itemId'],
      MoveItemSchema,
      '{ items }',
    ),
    '/meetings/{id}/items/{itemId}/withdraw': post(
      'Withdraw an item not yet discussed, with the reason',
      ['id', 'itemId'],
      ReasonSchema,
      '{ item }',
    ),
    '/meetings/{id}/items/{itemId}/documents': {
      post: {
        summary:
          'Add documents to an item: PDFs as multipart (files, title) or a link to an incoming/outgoing document the caller may see (JSON)',
        parameters: [param('id'), param('itemId')],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['files'],
                properties: {
                  files: {
                    type: 'string',
                    format: 'binary',
                    description: 'A PDF (repeat for more)',
                  },
                  title: { type: 'string', maxLength: 500 },
                },
              },
            },
            'application/json': { schema: jsonSchemaOf(LinkDocumentSchema) },
          },
        },
        responses: { 201: ok('{ documents }'), 413: errorResponse('File too large'), ...changes },
      },
    },
    '/meetings/{id}/documents/{documentId}/file': {
      get: {
        summary: 'The document’s PDF (audited), for those cleared for its item',
        parameters: [param('id'), param('documentId')],
        responses: {
          200: pdfResponse,
          ...common,
        },
      },
    },
  };
}
