/**
 * The OpenAPI paths of the tasks from conclusions and the meetings report
 * (meetings.tasks.api.ts), made from the zod schemas the routes validate with.
 */
import { errorResponse, jsonBody, ok, pathParam } from '../api/openapi-kit.js';
import { TASK_API_ROUTES } from './meetings.tasks.api.js';

/** Paths to spread into meetingPaths(). */
export function meetingTaskPaths(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of TASK_API_ROUTES) {
    const path = `/meetings${route.path}`;
    paths[path] ??= {};
    paths[path][route.method] = {
      tags: ['meetings'],
      summary: route.summary,
      parameters: route.param ? [pathParam(route.param)] : [],
      ...(route.body
        ? {
            requestBody: jsonBody(route.body),
          }
        : {}),
      responses: {
        [route.created ? 201 : 200]: ok('OK'),
        401: errorResponse('No or invalid token'),
        403: errorResponse('Not allowed for this task or meeting now'),
        404: errorResponse('No such task or meeting (or not one the caller may see)'),
        422: errorResponse('Invalid input (messages in Vietnamese)'),
      },
    };
  }
  return paths;
}
