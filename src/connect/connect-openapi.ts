import { OpenAPIHono, z } from "@hono/zod-openapi";
import { RequestValidationError } from "../api/api-error.js";
import type { ApiEnv } from "../api/app.js";

/**
 * The error shape and validation hook of the connect routes, until the shared ones of
 * src/api/openapi/ land on main (then these two give way to them).
 */
export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");

export const errorResponse = (description: string) => ({ content: { "application/json": { schema: errorSchema } }, description });

/** The answers of every connect-link endpoint to a link that does not open it (what else 404 means varies). */
export const linkErrors = (notFound = "Unknown or forged link") => ({ 404: errorResponse(notFound), 410: errorResponse("The link has expired") });

/** Routes whose request validation failures answer our 400 JSON error (app.onError renders it). */
export function connectOpenApiApp() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new RequestValidationError(result.error);
    },
  });
}
