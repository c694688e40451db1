import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";

/** Every error the API answers with: `{ "error": { "code", "message" } }`, never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

export function toErrorResponse(error: unknown, c: Context, onUnexpected: (error: unknown) => void) {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.details), error.status);
  if (error instanceof HTTPException) {
    // Middleware (bearer auth, body limit) builds its own JSON response.
    return error.getResponse();
  }
  if (error instanceof z.ZodError) {
    return c.json(errorBody("invalid_request", z.prettifyError(error), error.issues.map(({ path, message }) => ({ path, message }))), 400);
  }
  if (isRedisUnavailable(error)) {
    return c.json(errorBody("storage_unavailable", "The session store is not reachable right now; retry shortly"), 503);
  }
  onUnexpected(error);
  return c.json(errorBody("internal_error", "Something went wrong on our side"), 500);
}

function isRedisUnavailable(error: unknown): boolean {
  const message = (error as Error)?.message ?? "";
  return /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|max retries per request|enableOfflineQueue/i.test(message);
}
