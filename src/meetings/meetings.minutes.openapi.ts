/**
 * The OpenAPI paths of the minutes, conclusions and notice (meetings.minutes.api.ts), made from
 * the zod schemas the routes validate with.
 */
import { jsonSchemaOf } from '../api/json-schema.js';
import { MINUTES_API_ROUTES } from './meetings.minutes.api.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };

/** Paths to spread into meetingPaths(). */
export function meetingMinutesPaths(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of MINUTES_API_ROUTES) {
    const path = `/meetings${route.path}`;
    const ok =
      'pdf' in route
        ? {
            description: 'The PDF',
            content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          }
        : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } };
    paths[path] ??= {};
    paths[path][route.method] = {
      tags: ['meetings'],
      summary: route.summary,
      parameters: [idParam],
      ...('body' in route
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(route.body) } },
            },
          }
        : {}),
      responses: {
        [route.path.endsWith('/notice') ? 201 : 200]: ok,
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
