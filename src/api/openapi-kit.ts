/**
 * The pieces every part of the OpenAPI document repeats: an error answer, a JSON answer, a JSON
 * request body made from the zod schema the route validates with, and a numeric path parameter.
 */
import type { z } from 'zod';
import { jsonSchemaOf } from './json-schema.js';

/** An error answer: { code, message } as the error handler sends it. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** A JSON object answer, described in words. */
export const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** A required JSON request body of the route's zod schema. */
export const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: jsonSchemaOf(schema) } },
});

/** A path parameter holding a row's id (an integer from 1). */
export const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
});

/** A PDF answer. */
export const pdfResponse = {
  description: 'The PDF',
  content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
};
