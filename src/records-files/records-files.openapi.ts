/**
 * The OpenAPI paths of /api/v1/records-files (records-files.api.ts), made from the zod schemas
 * the routes validate with.
 */
import { errorResponse, jsonBody, ok, pathParam } from '../api/openapi-kit.js';
import { queryParametersOf } from '../api/json-schema.js';
import {
  ApiAddDocumentSchema,
  RecordsFileListQuerySchema,
  RecordsFileSchema,
  ShareSchema,
} from './records-files.schemas.js';

const tags = ['records-files'];
const common = {
  401: errorResponse('No or invalid token'),
  403: errorResponse('The caller does not handle documents, or may not make this change'),
};
const notFound = errorResponse(
  'No such file visible to the caller (another agency’s, or one not shared with them)',
);
const FILE =
  'The file: { id, year, code, title, description, retentionYears (null: permanent), status, ' +
  'departmentId, department, keeper, openedAt, closedOn, transferDueOn, transferredOn, ' +
  'transferredBy, documents: [{ itemId, kind, documentId, href, numberSymbol, documentDate, ' +
  'subject, addedBy, addedAt }] (those the caller may open), hiddenDocuments (how many others ' +
  'it holds, never described), members: [{ id, name, canAdd }], can }';

// Someone who could make the change were the file in another state is told its state.
const wrongState = errorResponse(
  'RECORDS_FILE_IS_OPEN, RECORDS_FILE_IS_CLOSED or RECORDS_FILE_IS_TRANSFERRED: the file is not in a state that allows this',
);

/** A change of the file's state. */
const statusChange = (summary: string) => ({
  post: {
    tags,
    summary,
    parameters: [pathParam('id')],
    responses: {
      200: ok(FILE),
      ...common,
      404: notFound,
      409: errorResponse(
        'RECORDS_FILE_IS_OPEN, RECORDS_FILE_IS_CLOSED or RECORDS_FILE_IS_TRANSFERRED: the file is not in a state that allows this; RECORDS_FILE_EMPTY: a file holding no documents is neither closed nor transferred (delete it instead); RECORDS_FILE_STAYS_WITH_UNIT: a file kept under 5 years is not transferred',
      ),
    },
  },
});

/** Paths to spread into the document's `paths`. */
export function recordsFilePaths() {
  return {
    '/records-files': {
      get: {
        tags,
        summary:
          'The records files (hồ sơ) the caller may see, newest year first then by code, 25 a page; q matches the code or the title’s words without accents',
        parameters: queryParametersOf(RecordsFileListQuerySchema),
        responses: {
          200: ok(
            '{ items: [{ id, year, code, title, retentionYears, status, closedOn, transferDueOn, keeper, department, documents }], total, page, pages }',
          ),
          ...common,
          422: errorResponse('Field errors (year, status, q, page)'),
        },
      },
      post: {
        tags,
        summary:
          'Open a file (mở hồ sơ): the caller keeps it; retention is "permanent" or a number of years of the offered ones',
        requestBody: jsonBody(RecordsFileSchema),
        responses: {
          201: ok(FILE),
          ...common,
          422: errorResponse(
            'Field errors: RECORDS_FILE_CODE_INVALID, RECORDS_FILE_CODE_TAKEN, RECORDS_FILE_RETENTION_INVALID, RECORDS_FILE_DEPARTMENT_INVALID',
          ),
        },
      },
    },
    '/records-files/{id}': {
      get: {
        tags,
        summary: 'One file with the documents the caller may open (audited as records_file.view)',
        parameters: [pathParam('id')],
        responses: { 200: ok(FILE), ...common, 404: notFound },
      },
      put: {
        tags,
        summary: 'Edit an open file (its keeper or a clerk); the whole form is sent',
        parameters: [pathParam('id')],
        requestBody: jsonBody(RecordsFileSchema),
        responses: {
          200: ok(FILE),
          ...common,
          404: notFound,
          409: wrongState,
          422: errorResponse('Field errors, as when opening a file'),
        },
      },
      delete: {
        tags,
        summary: 'Delete an open file that holds no documents',
        parameters: [pathParam('id')],
        responses: {
          204: { description: 'Deleted (audited as records_file.delete)' },
          ...common,
          404: notFound,
          409: errorResponse('RECORDS_FILE_NOT_EMPTY, or the file is not open (RECORDS_FILE_IS_…)'),
        },
      },
    },
    '/records-files/{id}/close': statusChange(
      'Close the file (kết thúc hồ sơ): a file kept 5 years or more is due at the archive a year on',
    ),
    '/records-files/{id}/reopen': statusChange('Reopen a closed file (not one transferred)'),
    '/records-files/{id}/transfer': statusChange(
      'Record the transfer of a closed file to the agency’s archive (nộp lưu); clerks only',
    ),
    '/records-files/{id}/documents': {
      post: {
        tags,
        summary:
          'Put a document the caller may open into the file (its keeper, a clerk, or someone it is shared with to add)',
        parameters: [pathParam('id')],
        requestBody: jsonBody(ApiAddDocumentSchema),
        responses: {
          201: ok(FILE),
          ...common,
          404: errorResponse('No such file, or no such document visible to the caller'),
          409: errorResponse(
            'RECORDS_FILE_DOCUMENT_ALREADY, or the file is not open (RECORDS_FILE_IS_…)',
          ),
          422: errorResponse('Field errors (kind, documentId)'),
        },
      },
    },
    '/records-files/{id}/documents/{itemId}': {
      delete: {
        tags,
        summary:
          'Take a document out of an open file (its keeper, a clerk, or whoever put it there)',
        parameters: [pathParam('id'), pathParam('itemId')],
        responses: {
          204: { description: 'Taken out (audited as records_file.remove_document)' },
          ...common,
          404: errorResponse('No such file, or no such document in it'),
          409: wrongState,
        },
      },
    },
    '/records-files/{id}/members': {
      post: {
        tags,
        summary:
          'Share the file with a person of the agency who handles documents (again: change canAdd)',
        parameters: [pathParam('id')],
        requestBody: jsonBody(ShareSchema),
        responses: {
          201: ok(FILE),
          ...common,
          404: notFound,
          409: wrongState,
          422: errorResponse('RECORDS_FILE_MEMBER_INVALID'),
        },
      },
    },
    '/records-files/{id}/members/{userId}': {
      delete: {
        tags,
        summary: 'End a person’s share of the file',
        parameters: [pathParam('id'), pathParam('userId')],
        responses: {
          204: { description: 'Share ended (audited as records_file.unshare)' },
          ...common,
          404: errorResponse('No such file, or it is not shared with that person'),
          409: wrongState,
        },
      },
    },
  };
}
