/**
 * The OpenAPI paths of the minutes, conclusions and notice (meetings.minutes.api.ts), made from
 * the zod schemas the routes validate with.
 */
import { errorResponse, jsonBody, ok, pathParam, pdfResponse } from '../api/openapi-kit.js';
import { MINUTES_API_ROUTES } from './meetings.minutes.api.js';

/** Paths to spread into meetingPaths(). */
export function meetingMinutesPaths(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of MINUTES_API_ROUTES) {
    const path = `/meetings${route.path}`;
    paths[path] ??= {};
    paths[path][route.method] = {
      tags: ['meetings'],
      summary: route.summary,
      parameters: [pathParam('id')],
      ...('body' in route
        ? {
            requestBody: jsonBody(route.body),
          }
        : {}),
      responses: {
        [route.path.endsWith('/notice') ? 201 : 200]: 'pdf' in route ? pdfResponse : ok('OK'),
        401: errorResponse('No or invalid token'),
        403: errorResponse('Not allowed for this meeting now'),
        404: errorResponse('No such meeting (or not one the caller may see)'),
        409: errorResponse('The minutes changed meanwhile, or are not at this step'),
        422: errorResponse('Invalid input (messages in Vietnamese)'),
      },
    };
  }
  return paths;
}
