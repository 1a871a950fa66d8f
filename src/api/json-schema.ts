import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** Drops what JSON Schema says of zod's output that a client sending a request need not obey. */
function forRequests(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(forRequests);
  if (!node || typeof node !== 'object') return;
  const obj = node as JsonSchema;
  // zod objects strip unknown keys rather than refuse them.
  if (obj.additionalProperties === false) delete obj.additionalProperties;
  const props = obj.properties as Record<string, JsonSchema> | undefined;
  // A field with a default is filled in by the server: optional to send.
  if (props && Array.isArray(obj.required)) {
    obj.required = obj.required.filter((k: string) => !(props[k] && 'default' in props[k]));
    if ((obj.required as string[]).length === 0) delete obj.required;
  }
  for (const value of Object.values(obj)) forRequests(value);
}

/**
 * The JSON Schema of a request the route validates with `schema` (what it accepts once its
 * form-field coercions have run), so the API description is made from the code that checks.
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  forRequests(out);
  return out;
}

/** Query parameters, one per property of an object schema. */
export function queryParametersOf(schema: z.ZodType): JsonSchema[] {
  const props = (jsonSchemaOf(schema).properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props).map(([name, s]) => {
    const { description, default: _default, ...rest } = s;
    return { name, in: 'query', schema: rest, ...(description ? { description } : {}) };
  });
}
