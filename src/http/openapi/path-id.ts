import { z } from "@hono/zod-openapi";

/**
 * A path parameter holding an id of one kind: anything else is refused as `invalid_id` with
 * "<value> is not a valid <what> id" (validation-hook.ts turns param failures into that code).
 */
export function pathId(pattern: RegExp, what: string, example: string) {
  return z
    .string()
    .regex(pattern, { error: (issue) => `${String(issue.input ?? "")} is not a valid ${what} id`.trim() })
    .openapi({ description: `A ${what} id`, example });
}
