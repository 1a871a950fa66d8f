/**
 * The OpenAPI paths of /api/v1/saved-searches (saved-searches.api.ts), made from the zod schemas
 * the routes validate with.
 */
import { errorResponse, jsonBody, ok, pathParam } from '../api/openapi-kit.js';
import { queryParametersOf } from '../api/json-schema.js';
import {
  RenameSearchSchema,
  SavedSearchListQuerySchema,
  SaveSearchSchema,
} from './saved-searches.schemas.js';

const common = {
  401: errorResponse('No or invalid token'),
  403: errorResponse('The caller may open neither the incoming nor the outgoing list'),
};

/** Paths to spread into the document's `paths`. */
export function savedSearchPaths() {
  return {
    '/saved-searches': {
      get: {
        tags: ['saved-searches'],
        summary: 'The caller’s saved searches (tìm kiếm đã lưu), by name',
        parameters: queryParametersOf(SavedSearchListQuerySchema),
        responses: {
          200: ok(
            '{ items: [{ id, list, name, query, href, conditions, createdAt, updatedAt }] }: href opens the list, whose rows are read when it is opened',
          ),
          ...common,
          422: errorResponse('SAVED_SEARCH_LIST_UNKNOWN'),
        },
      },
      post: {
        tags: ['saved-searches'],
        summary:
          'Save a list’s query under a name: only the parameters the list takes are kept, the page dropped',
        requestBody: jsonBody(SaveSearchSchema),
        responses: {
          201: ok('The search saved (audited as saved_search.create)'),
          ...common,
          422: errorResponse(
            'Field errors (name), SAVED_SEARCH_NAME_TAKEN, SAVED_SEARCH_QUERY_INVALID (a parameter or value the list does not take), SAVED_SEARCH_LIST_UNKNOWN or SAVED_SEARCH_LIMIT',
          ),
        },
      },
    },
    '/saved-searches/{id}': {
      patch: {
        tags: ['saved-searches'],
        summary: 'Rename one of the caller’s saved searches (its query stays as saved)',
        parameters: [pathParam('id')],
        requestBody: jsonBody(RenameSearchSchema),
        responses: {
          200: ok('The search renamed (audited as saved_search.rename)'),
          ...common,
          404: errorResponse('No such search of the caller’s (another person’s is not found)'),
          422: errorResponse('Field errors (name) or SAVED_SEARCH_NAME_TAKEN'),
        },
      },
      delete: {
        tags: ['saved-searches'],
        summary: 'Delete one of the caller’s saved searches',
        parameters: [pathParam('id')],
        responses: {
          204: { description: 'Deleted (audited as saved_search.delete)' },
          ...common,
          404: errorResponse('No such search of the caller’s (another person’s is not found)'),
        },
      },
    },
  };
}
