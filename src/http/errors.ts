import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

/** Every error the API answers with: `{ "error": { "code", "message" } }`, never a stack trace. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details?: unknown;
  /** Response headers that go with it (Retry-After on a 429). */
  readonly headers?: Record<string, string>;
  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    details?: unknown,
    headers?: Record<string, string>,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    if (details !== undefined) this.details = details;
    if (headers) this.headers = headers;
  }
}

/**
 * The request itself did not validate: the only parse failure that is the client's fault (400).
 * Thrown by the routes' validation hook (openapi/validation-hook.ts); any other ZodError or SyntaxError is ours.
 */
export class RequestValidationError extends ApiError {
  constructor(error: z.ZodError) {
    super(
      400,
      "invalid_request",
      z.prettifyError(error),
      error.issues.map(({ path, message }) => ({ path, message })),
    );
    this.name = "RequestValidationError";
  }
}

export const errorBody = (code: string, message: string, details?: unknown) => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

const HONO_REFUSALS: Partial<Record<number, [code: string, message: string]>> = {
  400: ["invalid_json", "The request body is not valid JSON"],
  415: ["unsupported_media_type", "Send the body as application/json"],
};

export function toErrorResponse(error: unknown, c: Context, onUnexpected: (error: unknown) => void) {
  if (error instanceof ApiError)
    return c.json(errorBody(error.code, error.message, error.details), error.status, error.headers);
  if (error instanceof HTTPException) {
    // Middleware (bearer auth) builds its own JSON response.
    if (error.res) return error.getResponse();
    // Hono's own refusals (the JSON validator, zod-openapi's media type gate) carry only a status and text.
    const [code, message] = HONO_REFUSALS[error.status] ?? ["bad_request", "The request could not be read"];
    return c.json(errorBody(code, message), error.status);
  }
  if (error instanceof z.ZodError || error instanceof SyntaxError) {
    // Something we stored (a session, a credential's metadata) no longer reads: not the client's doing.
    onUnexpected(describeStoredRecordFailure(error));
    return c.json(
      errorBody(
        "stored_record_invalid",
        "A record stored on the server side could not be read; this is not a problem with the request",
      ),
      500,
    );
  }
  if (isRedisUnavailable(error)) {
    return c.json(errorBody("storage_unavailable", "The session store is not reachable right now; retry shortly"), 503);
  }
  onUnexpected(error);
  return c.json(errorBody("internal_error", "Something went wrong on our side"), 500);
}

/**
 * Says where a stored record failed without quoting it: a SyntaxError's message from JSON.parse
 * shows the start of the text, and the record may hold anything.
 */
function describeStoredRecordFailure(error: z.ZodError | SyntaxError): Error {
  const where =
    error instanceof z.ZodError
      ? `failed validation at ${error.issues.map((issue) => `${issue.path.join(".") || "(root)"} (${issue.code})`).join(", ")}`
      : "is not valid JSON";
  const described = new Error(`A stored record ${where}`);
  described.name = "StoredRecordInvalid";
  return described;
}

function isRedisUnavailable(error: unknown): boolean {
  const message = (error as Error)?.message ?? "";
  return /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|max retries per request|enableOfflineQueue/i.test(
    message,
  );
}
