import type { ZodType } from "zod";

/** A response with a JSON body: `200: jsonResponse("The session", sessionViewSchema)`. */
export function jsonResponse<S extends ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}
