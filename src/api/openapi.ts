import { z } from 'zod';
import type { Config } from '../config.js';
import { INCOMING_STATUSES } from '../incoming/incoming.model.js';
import {
  ApiCompleteSchema,
  AssignSchema,
  DirectSchema,
  FileSchema,
  IncomingFieldsSchema,
  ListQuerySchema,
  PresentSchema,
  RegisterIncomingSchema,
  RemindSchema,
  ReportSchema,
} from '../incoming/incoming.schemas.js';
import { jsonSchemaOf, queryParametersOf, type JsonSchema } from './json-schema.js';
import { outgoingPaths, outgoingSchemas } from './outgoing.openapi.js';
import { deliveryPaths } from './deliveries.openapi.js';
import { meetingPaths } from '../meetings/meetings.openapi.js';
import { savedSearchPaths } from '../saved-searches/saved-searches.openapi.js';
import { recordsFilePaths } from '../records-files/records-files.openapi.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const detailResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/IncomingDetail' } } },
});

const jsonBody = (schema: z.ZodType | JsonSchema) => ({
  required: true,
  content: {
    'application/json': { schema: schema instanceof z.ZodType ? jsonSchemaOf(schema) : schema },
  },
});

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** The multipart registration: the form fields the route validates, and the file part(s). */
function registrationBody(): JsonSchema {
  const fields = jsonSchemaOf(RegisterIncomingSchema);
  return {
    ...fields,
    required: ['file', ...((fields.required as string[] | undefined) ?? [])],
    properties: {
      file: {
        type: 'string',
        format: 'binary',
        description: 'The PDF (repeat the part for more files)',
      },
      ...(fields.properties as JsonSchema),
    },
  };
}

/** The OpenAPI 3.1 description of /api/v1. */
export function openApiDocument(config: Config) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'eOffice API',
      version: '1.0.0',
      description:
        'JSON API of eOffice (văn phòng điện tử). Authenticate with a personal access token ' +
        '(profile page or `npm run eoffice -- token:create USER`) as `Authorization: Bearer <token>`. ' +
        'Every call goes through the same services, permission checks and audit log as the pages. ' +
        'Errors are `{ error: { code, message, fields? } }` with messages in Vietnamese (Accept-Language: en for English).',
    },
    servers: [{ url: `${config.baseUrl}/api/v1` }],
    security: [{ bearerAuth: [] }],
    paths: {
      '/incoming': {
        get: {
          summary: 'List incoming documents visible to the caller',
          parameters: queryParametersOf(ListQuerySchema),
          responses: {
            200: {
              description: 'One page of documents (20 a page)',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/IncomingPage' } },
              },
            },
            401: errorResponse('No or invalid token'),
          },
        },
        post: {
          summary: 'Register an incoming document (vào sổ văn bản đến)',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'Up to 200 printable ASCII characters: a retry with the same key (and request) within a day gets the first reply (Idempotent-Replayed: true), not a second number',
              schema: { type: 'string', maxLength: 200 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': { schema: registrationBody() },
            },
          },
          responses: {
            201: detailResponse('Registered, with its arrival number'),
            401: errorResponse('No or invalid token'),
            403: errorResponse('Only clerks register incoming documents'),
            409: errorResponse(
              'DUPLICATE_SUSPECTED: same number, notation and sender already registered; IDEMPOTENCY_IN_PROGRESS: the same key is being processed',
            ),
            413: errorResponse('File too large'),
            422: errorResponse(
              'Field errors (fields), a file that is not a PDF, or IDEMPOTENCY_KEY_REUSED',
            ),
          },
        },
      },
      '/incoming/{id}': {
        get: {
          summary:
            'One incoming document with its files, assignments and trail (audited as a view)',
          parameters: [idParam],
          responses: {
            200: detailResponse('The document'),
            404: errorResponse('No such document visible to the caller'),
          },
        },
      },
      '/incoming/{id}/present': {
        post: {
          summary: 'Present the document to a leader (trình lãnh đạo); clerks only',
          parameters: [idParam],
          requestBody: jsonBody(PresentSchema),
          responses: {
            200: detailResponse('The document, now presented'),
            403: errorResponse('Not a clerk'),
            404: errorResponse('No such document visible to the caller'),
            409: errorResponse('The document is not at that step'),
            422: errorResponse('Field errors'),
          },
        },
      },
      '/incoming/{id}/progress': {
        post: {
          summary: 'Report progress on an assignment (báo cáo tiến độ)',
          parameters: [idParam],
          requestBody: jsonBody(ReportSchema),
          responses: {
            200: detailResponse('The document'),
            403: errorResponse('Not the assignee'),
            404: errorResponse('No such document visible to the caller'),
            422: errorResponse('Field errors'),
          },
        },
      },
      '/incoming/{id}/file': {
        post: {
          summary:
            'File a completed document (lưu hồ sơ); clerks only. `confirmOpenWork` closes the ' +
            "work other units still hold; `recordsFileId` puts the document into one of the caller's " +
            'open records files (hồ sơ) in the same transaction',
          parameters: [idParam],
          requestBody: jsonBody(FileSchema),
          responses: {
            200: detailResponse('The document, now filed'),
            403: errorResponse('Not a clerk, or a records file the caller may not add to'),
            404: errorResponse('No such document, or no such records file, visible to the caller'),
            409: errorResponse('The document is not completed yet, or the records file is closed'),
            422: errorResponse('Work still open and not confirmed (INCOMING_FILE_OPEN_WORK)'),
          },
        },
      },
      '/incoming/{id}/assignments': {
        post: {
          summary:
            "A leader's direction (body with lead) or a department head's hand-over (body with userId)",
          parameters: [idParam],
          requestBody: jsonBody({
            oneOf: [
              { title: 'Direction (ý kiến chỉ đạo)', ...jsonSchemaOf(DirectSchema) },
              { title: 'Hand-over (giao xử lý)', ...jsonSchemaOf(AssignSchema) },
            ],
          }),
          responses: {
            201: {
              description:
                'The assignments created, and what the caller should know: `notices`, each with ' +
                'its code (deadlineMoved: a deadline on a non-working day moved to the next ' +
                'working day; afterDueDate: a deadline after the document’s own due date), its ' +
                'text in the caller’s language and its values (ISO dates)',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['assignments', 'notices'],
                    properties: {
                      assignments: { type: 'array', items: { type: 'object' } },
                      notices: {
                        type: 'array',
                        items: {
                          type: 'object',
                          required: ['code', 'message', 'values'],
                          properties: {
                            code: { type: 'string', enum: ['deadlineMoved', 'afterDueDate'] },
                            message: { type: 'string' },
                            values: { type: 'object', additionalProperties: { type: 'string' } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            403: errorResponse('The caller may not direct or assign this document'),
            404: errorResponse('No such document visible to the caller'),
            409: errorResponse('The document is not at that step'),
            422: errorResponse('Field errors'),
          },
        },
      },
      '/incoming/{id}/reminders': {
        post: {
          summary:
            'Remind the holder of an open assignment (đôn đốc); whoever handed it over, leaders and clerks',
          parameters: [idParam],
          requestBody: jsonBody(RemindSchema),
          responses: {
            201: detailResponse('The document, its trail now with the reminder'),
            403: errorResponse('Not allowed to chase this assignment'),
            404: errorResponse('No such document or assignment visible to the caller'),
            409: errorResponse('The document is not being handled'),
            422: errorResponse('Field errors'),
          },
        },
      },
      '/incoming/{id}/complete': {
        post: {
          summary: "Complete the caller's assignment with a result note",
          parameters: [idParam],
          requestBody: jsonBody(ApiCompleteSchema),
          responses: {
            200: detailResponse('The document after completion'),
            403: errorResponse('Not the assignee'),
            404: errorResponse('No such document visible to the caller'),
            409: errorResponse('Nothing open to complete'),
            422: errorResponse('Field errors'),
          },
        },
      },
      ...outgoingPaths(),
      ...deliveryPaths(),
      ...meetingPaths(),
      ...savedSearchPaths(),
      ...recordsFilePaths(),
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Personal access token' },
      },
      schemas: {
        ...outgoingSchemas(),
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                fields: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
        Incoming: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            arrivalNumber: { type: 'integer', description: 'Số đến, unique per register and year' },
            status: { type: 'string', enum: INCOMING_STATUSES },
            isOverdue: { type: 'boolean' },
            ...(jsonSchemaOf(IncomingFieldsSchema).properties as JsonSchema),
            arrivalDate: { type: 'string', format: 'date-time', description: 'Ngày đến' },
            urgency: {
              type: 'integer',
              minimum: 0,
              maximum: 3,
              description: 'Độ khẩn as kept: 0–3; Hỏa tốc hẹn giờ is 3 with urgentDeliverBy',
            },
            urgentDeliverBy: {
              type: ['string', 'null'],
              format: 'date-time',
              description: 'Hỏa tốc hẹn giờ: the time',
            },
            edxmlDocumentId: { type: ['string', 'null'], description: 'edXML DocumentId' },
            responseFor: (jsonSchemaOf(RegisterIncomingSchema).properties as JsonSchema)
              .responseFor,
          },
        },
        IncomingPage: {
          type: 'object',
          properties: {
            page: { type: 'integer' },
            pages: { type: 'integer' },
            total: { type: 'integer' },
            items: { type: 'array', items: { $ref: '#/components/schemas/Incoming' } },
          },
        },
        IncomingDetail: {
          allOf: [
            { $ref: '#/components/schemas/Incoming' },
            {
              type: 'object',
              properties: {
                files: { type: 'array', items: { type: 'object' } },
                assignments: { type: 'array', items: { type: 'object' } },
                trail: { type: 'array', items: { type: 'object' } },
              },
            },
          ],
        },
      },
    },
  };
}
