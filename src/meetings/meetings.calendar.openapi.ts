/**
 * The OpenAPI paths of the weekly calendar and the invitation (meetings.calendar.api.ts), the
 * query made from the zod schema the route validates with.
 */
import { jsonSchemaOf } from '../api/json-schema.js';
import { errorResponse, ok, pathParam, pdfResponse } from '../api/openapi-kit.js';
import { CALENDAR_API_ROUTES } from './meetings.calendar.api.js';
import { WeekQuerySchema } from './meetings.calendar.routes.js';

function queryParams() {
  const schema = jsonSchemaOf(WeekQuerySchema) as { properties?: Record<string, unknown> };
  return Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: false,
    schema: s,
    ...(name === 'date' ? { description: 'A day of the week, dd/mm/yyyy (default today)' } : {}),
  }));
}

/** Paths to spread into meetingPaths(). */
export function meetingCalendarPaths(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of CALENDAR_API_ROUTES) {
    const path = `/meetings${route.path}`;
    paths[path] ??= {};
    paths[path][route.method] = {
      tags: ['meetings'],
      summary: route.summary,
      parameters: 'query' in route ? queryParams() : [pathParam('id')],
      responses: {
        [route.method === 'post' ? 201 : 200]: 'pdf' in route ? pdfResponse : ok('OK'),
        401: errorResponse('No or invalid token'),
        403: errorResponse('Not allowed for this meeting now'),
        404: errorResponse('No such meeting (or not one the caller may see)'),
        ...(route.method === 'post'
          ? { 409: errorResponse('The invitation is in approval or signed: not replaced') }
          : { 422: errorResponse('Invalid date (messages in Vietnamese)') }),
      },
    };
  }
  return paths;
}
