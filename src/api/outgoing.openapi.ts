/**
 * The OpenAPI paths and schemas of /api/v1/outgoing and /api/v1/signing-sessions, made from the
 * zod schemas the routes validate with (outgoing.api.ts, signing-sessions.api.ts).
 */
import { z } from 'zod';
import { OUTGOING_STATUSES } from '../outgoing/outgoing.model.js';
import { jsonSchemaOf, queryParametersOf, type JsonSchema } from './json-schema.js';
import {
  ApiApprovalSchema,
  ApiChainAdditionsSchema,
  ApiDraftSchema,
  ApiIssueSchema,
  ApiSignBatchSchema,
  ApiSignSchema,
  ApiSubmitSchema,
} from './outgoing.api.js';
import { OutgoingListQuerySchema } from './outgoing.json.js';
import { CompleteSigningSessionSchema, StartSigningSessionSchema } from './signing-sessions.api.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

const json = (description: string, schema: JsonSchema) => ({
  description,
  content: { 'application/json': { schema } },
});

const detail = (description: string) => json(description, ref('OutgoingDetail'));

const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: jsonSchemaOf(schema) } },
});

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

const common = {
  401: errorResponse('No or invalid token'),
  404: errorResponse('No such document visible to the caller'),
};

const pdfPart = (description: string) => ({ type: 'string', format: 'binary', description });

/** The multipart draft: its fields (recipients as a JSON array in one field) and its files. */
function draftBody(): JsonSchema {
  const fields = jsonSchemaOf(ApiDraftSchema);
  const props = fields.properties as Record<string, JsonSchema>;
  return {
    ...fields,
    required: ['main', ...((fields.required as string[] | undefined) ?? [])],
    properties: {
      main: pdfPart('The main file: a PDF, or a DOCX converted to PDF in the background'),
      attachments: { type: 'array', items: pdfPart('An attachment (PDF), up to ten') },
      ...props,
      recipients: {
        type: 'string',
        contentMediaType: 'application/json',
        contentSchema: props.recipients,
        description:
          'JSON array of recipients: {agencyId} (an agency of this deployment), {departmentId} ' +
          '(a department of the drafter’s agency) or {name, code} (outside); or bracketed fields ' +
          'recipients[0][agencyId]',
      },
    },
  };
}

/** /outgoing… and /signing-sessions… for the OpenAPI document. */
export function outgoingPaths(): Record<string, unknown> {
  return {
    '/outgoing': {
      get: {
        summary: 'Outgoing documents visible to the caller (văn bản đi), 20 a page, newest first',
        parameters: queryParametersOf(OutgoingListQuerySchema),
        responses: {
          200: json('One page of documents', ref('OutgoingPage')),
          401: common[401],
          422: errorResponse('A tab or status that does not exist'),
        },
      },
      post: {
        summary: 'Create a draft (dự thảo) with its main file and attachments',
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: draftBody() } },
        },
        responses: {
          201: detail('The draft'),
          401: common[401],
          403: errorResponse('The caller does not draft documents'),
          413: errorResponse('File too large'),
          422: errorResponse('Field errors (fields), no main file or a file that is not a PDF'),
        },
      },
    },
    '/outgoing/{id}': {
      get: {
        summary:
          'One document: fields, versions, files, approval chain, signatures, number, recipients ' +
          'with their delivery status, trail (audited as a view)',
        parameters: [idParam],
        responses: { 200: detail('The document'), ...common },
      },
    },
    '/outgoing/{id}/versions': {
      post: {
        summary: 'Upload a new version of the main file (the drafter, while it is with them)',
        parameters: [idParam],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['main'],
                properties: { main: pdfPart('The new version: PDF, or DOCX to convert') },
              },
            },
          },
        },
        responses: {
          201: json('A PDF: the new version number', ref('NewVersion')),
          202: json('A DOCX: the conversion job queued', ref('NewVersion')),
          403: errorResponse('Not the drafter, or not with them'),
          ...common,
          413: errorResponse('File too large'),
          422: errorResponse('No file, or not a PDF/DOCX'),
        },
      },
    },
    '/outgoing/{id}/submit': {
      post: {
        summary:
          'Submit to the approval chain (template given, else the one for its type and ' +
          'department; none: straight to the signer), with the consulted units and reviewers ' +
          'the drafter adds where the template allows it (lấy ý kiến góp ý)',
        parameters: [idParam],
        requestBody: jsonBody(ApiSubmitSchema),
        responses: {
          200: detail('The document, in approval'),
          403: errorResponse('Not the drafter'),
          ...common,
          409: errorResponse('No main PDF yet, or a DOCX still converting'),
          422: errorResponse(
            'No signer chosen; a template that does not apply; additions the template does ' +
              'not allow, or a unit or person not of the agency (fields)',
          ),
        },
      },
    },
    '/outgoing/{id}/approval': {
      post: {
        summary:
          'Act on the current step of the document’s latest chain (approve, initial = ký nháy, ' +
          'return, reject, agree/opinion at a consulted step), comment on it, or withdraw it ' +
          '(the drafter, before anyone acted on what they sent)',
        parameters: [idParam],
        requestBody: jsonBody(ApiApprovalSchema),
        responses: {
          200: detail('The document after the decision'),
          403: errorResponse(
            'Not asked at the current step (nor their delegate); withdraw: not the drafter',
          ),
          ...common,
          409: errorResponse(
            'No chain open; withdraw: someone already acted on it (APPROVAL_ALREADY_ACTED)',
          ),
          422: errorResponse('Field errors, or an action the step does not take'),
        },
      },
    },
    '/outgoing/{id}/approval/steps': {
      post: {
        summary:
          'The drafter adds consulted units (their head answers) and reviewers to the ' +
          'document’s running or returned chain, where its template allows it: each a consulted ' +
          'step after afterStep (not before the active step); the template’s steps stay',
        parameters: [idParam],
        requestBody: jsonBody(ApiChainAdditionsSchema),
        responses: {
          200: detail('The document with its chain'),
          403: errorResponse('Not the drafter, or the template allows no additions'),
          ...common,
          409: errorResponse('No chain open'),
          422: errorResponse('Nothing chosen, or a unit or person not of the agency (fields)'),
        },
      },
    },
    '/outgoing/{id}/sign': {
      post: {
        summary:
          'Sign with the caller’s server-held key (PIN) or remote CSC service; the signed PDF ' +
          'is a new revision. A token holder uses /signing-sessions',
        parameters: [idParam],
        requestBody: jsonBody(ApiSignSchema),
        responses: {
          200: detail('The document, signed'),
          403: errorResponse('Not its signer (nor their delegate), or not ready to sign'),
          ...common,
          409: errorResponse(
            'Signing with a token (use /signing-sessions), or the version changed',
          ),
          422: errorResponse('Wrong PIN (counted), bad placement, or the signature failed'),
          423: errorResponse('Signing locked after wrong PINs'),
        },
      },
    },
    '/outgoing/sign-batch': {
      post: {
        summary:
          'Sign several waiting documents with one PIN entry (server-held key or CSC), each at ' +
          'its default place; one that fails does not stop the others',
        requestBody: jsonBody(ApiSignBatchSchema),
        responses: {
          200: json('One result per document', {
            type: 'object',
            properties: {
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    ok: { type: 'boolean' },
                    code: { type: 'string', description: 'The refusal’s code when not ok' },
                  },
                },
              },
            },
          }),
          401: common[401],
          403: errorResponse('One of them is not the caller’s to sign (nothing is signed)'),
          404: errorResponse('One of them is not visible to the caller (nothing is signed)'),
          409: errorResponse('The caller signs with a token: use /signing-sessions'),
          422: errorResponse('Wrong PIN (counted), or no ids / more than 50'),
        },
      },
    },
    '/outgoing/{id}/issue': {
      post: {
        summary:
          'Issue (ban hành): the next number of its series, the agency seal writing number and ' +
          'date, attachments sealed, and dispatch to the recipients, in one step (no separate ' +
          'dispatch call: issuing dispatches)',
        parameters: [idParam],
        requestBody: jsonBody(ApiIssueSchema),
        responses: {
          200: detail('The document, issued and dispatched'),
          403: errorResponse('Not a clerk of the agency'),
          ...common,
          409: errorResponse('Not signed, or its files changed, or no seal enrolled'),
          422: errorResponse('No placeholder found for the number or date (give them)'),
        },
      },
    },
    '/outgoing/{id}/status': {
      get: {
        summary:
          'Where the document stands with each recipient: edXML 01 arrived, 02 refused, ' +
          '03 registered, 04 assigned, 05 in progress, 06 completed, each with its time',
        parameters: [idParam],
        responses: { 200: json('Per recipient', ref('OutgoingStatus')), ...common },
      },
    },
    '/outgoing/{id}/files/{fileId}': {
      get: {
        summary: 'Download one of the document’s files (audited)',
        parameters: [
          idParam,
          { name: 'fileId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          200: { description: 'The file', content: { 'application/pdf': {} } },
          ...common,
        },
      },
    },
    '/signing-sessions': {
      post: {
        summary:
          'Start two-phase signing with a token in the signer’s hands: the challenge to sign ' +
          '(the caller must have chosen the token provider)',
        requestBody: jsonBody(StartSigningSessionSchema),
        responses: {
          201: json('The challenge', ref('SigningChallenge')),
          403: errorResponse('Not its signer, or not ready to sign'),
          ...common,
          409: errorResponse('The caller does not sign with a token'),
          422: errorResponse('Certificate unreadable, or bad placement'),
        },
      },
    },
    '/signing-sessions/{id}/complete': {
      post: {
        summary:
          'Complete a session with the token’s signature value or CMS: the document is signed',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: jsonBody(CompleteSigningSessionSchema),
        responses: {
          200: detail('The document, signed'),
          401: common[401],
          404: errorResponse('No open session of the caller with that id'),
          409: errorResponse('The document’s version changed meanwhile'),
          422: errorResponse('The signature does not match the challenge, or the session expired'),
        },
      },
    },
  };
}

const person = {
  type: 'object',
  properties: { id: { type: 'integer' }, fullName: { type: 'string' } },
};

/** The response shapes of the outgoing API. */
export function outgoingSchemas(): Record<string, unknown> {
  const { recipients: _recipients, ...fields } = jsonSchemaOf(ApiDraftSchema).properties as Record<
    string,
    JsonSchema
  >;
  return {
    Outgoing: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        status: { type: 'string', enum: OUTGOING_STATUSES },
        ...fields,
        codeNumber: { type: ['integer', 'null'], description: 'Số' },
        codeNotation: { type: ['string', 'null'], description: 'Ký hiệu' },
        numberNotation: { type: ['string', 'null'], description: 'Số, ký hiệu: 15/QĐ-UBND' },
        promulgationDate: { type: ['string', 'null'], format: 'date' },
        signedAt: { type: ['string', 'null'], format: 'date-time' },
        issuedAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    OutgoingPage: {
      type: 'object',
      properties: {
        page: { type: 'integer' },
        pages: { type: 'integer' },
        total: { type: 'integer' },
        items: { type: 'array', items: ref('Outgoing') },
      },
    },
    StatusMark: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'edXML 01–06, or the recall’s 13/15/16' },
        label: { type: 'string', description: 'Its name in the caller’s language: Đã đến…' },
        text: { type: 'string', description: '"01 Đã đến"' },
        at: { type: ['string', 'null'], format: 'date-time' },
        note: { type: ['string', 'null'] },
      },
    },
    OutgoingRecipient: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        position: { type: 'integer' },
        name: { type: 'string' },
        code: { type: ['string', 'null'] },
        kind: { type: 'string', enum: ['agency', 'department', 'external'] },
        status: {
          oneOf: [ref('StatusMark'), { type: 'null' }],
          description: 'Null for a department of the sender’s agency or a recipient outside',
        },
        kindLabel: { type: 'string' },
        history: { type: 'array', items: ref('StatusMark') },
        recall: { oneOf: [ref('StatusMark'), { type: 'null' }] },
      },
    },
    OutgoingDetail: {
      allOf: [
        ref('Outgoing'),
        {
          type: 'object',
          properties: {
            currentVersion: { type: ['integer', 'null'] },
            versions: { type: 'array', items: { type: 'object' } },
            files: { type: 'array', items: { type: 'object' } },
            approval: {
              type: ['object', 'null'],
              description: 'The latest chain: steps, decisions',
            },
            signatures: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  fileId: { type: 'integer' },
                  kind: { type: 'string', enum: ['leader', 'seal', 'attachment'] },
                },
              },
            },
            recipients: { type: 'array', items: ref('OutgoingRecipient') },
            allowed: { type: 'object', additionalProperties: { type: 'boolean' } },
            trail: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  action: { type: 'string' },
                  actor: person,
                  onBehalfOf: {
                    oneOf: [person, { type: 'null' }],
                    description: 'Whom the actor acted for under a delegation',
                  },
                  version: {
                    type: ['integer', 'null'],
                    description: 'The main file’s version the step was taken on',
                  },
                },
              },
            },
          },
        },
      ],
    },
    OutgoingStatus: {
      type: 'object',
      properties: {
        outgoingId: { type: 'integer' },
        status: { type: 'string', enum: OUTGOING_STATUSES },
        recalledAt: { type: ['string', 'null'], format: 'date-time' },
        recallReason: { type: ['string', 'null'] },
        recipients: { type: 'array', items: ref('OutgoingRecipient') },
      },
    },
    NewVersion: {
      type: 'object',
      properties: {
        version: { type: 'integer' },
        conversionJobId: { type: 'integer' },
        document: ref('OutgoingDetail'),
      },
    },
    SigningChallenge: {
      type: 'object',
      properties: {
        documentId: { type: 'integer' },
        sessionId: { type: 'string' },
        digestBase64: {
          type: 'string',
          description: 'SHA-256 of the DER signed attributes (sign DigestInfo with CKM_RSA_PKCS)',
        },
        toBeSignedBase64: { type: 'string', description: 'The DER signed attributes themselves' },
        hashAlgorithm: { type: 'string', enum: ['SHA-256'] },
        signatureAlgorithm: { type: 'string' },
        certificateSha256: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
  };
}
