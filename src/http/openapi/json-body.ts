import type { ZodType } from "zod";

/** A required JSON request body: `request: { body: jsonBody(startSchema) }`. */
export function jsonBody<S extends ZodType>(schema: S) {
  return { required: true, content: { "application/json": { schema } } };
}
