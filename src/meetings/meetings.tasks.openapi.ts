/**
 * The OpenAPI paths of the tasks from conclusions and the meetings report
 * (meetings.tasks.api.ts), made from the zod schemas the routes validate with.
 */
import { jsonSchemaOf } from '../api/json-schema.js';
import { TASK_API_ROUTES } from './meetings.tasks.api.js';

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Paths to spread into meetingPaths(). */
export function meetingTaskPaths(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of TASK_API_ROUTES) {
    const path = `/meetings${route.path}`;
    paths[path] ??= {};
    paths[path][route.method] = {
      tags: ['meetings'],
      summary: route.summary,
      parameters: route.param
        ? [
            {
              name: route.param,
              in: 'path',
              required: true,
              schema: { type: 'integer', minimum: 1 },
            },
          ]
        : [],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchemaOf(route.body) } },
            },
          }
        : {}),
      responses: {
        [route.created ? 201 : 200]: {
          description: 'OK',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        401: errorResponse('No or invalid token'),
        403: errorResponse('Not allowed for this task or meeting now'),
        404: errorResponse('No such task or meeting (or not one the caller may see)'),
        422: errorResponse('Invalid input (messages in Vietnamese)'),
      },
    };
  }
  return paths;
}
