import { z } from "@hono/zod-openapi";

/** The body of every error the API answers with (api-error.ts builds it). */
export const errorSchema = z
  .object({
    error: z.object({
      code: z
        .string()
        .openapi({ description: "Stable, machine-readable: branch on this", example: "session_not_found" }),
      message: z.string().openapi({ description: "For people: says what is wrong and what to do" }),
      details: z
        .unknown()
        .optional()
        .openapi({ description: "Where the request failed validation, or the session's state when it ended" }),
    }),
  })
  .openapi("Error");

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

const DEFAULT_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "The request did not validate (`invalid_request`, `invalid_json`, `invalid_id`, `subject_required`, ...)",
  401: "No API key, or not a valid one (`unauthorized`)",
  403: "Not allowed",
  404: "Not found, or not this subject's",
  409: "Conflicts with the current state",
  410: "Gone",
  413: "The body is larger than the limit (`payload_too_large`)",
  415: "The body is not application/json (`unsupported_media_type`)",
  422: "Well formed but refused",
  429: "Too many attempts (`too_many_attempts`): wait the seconds its Retry-After header gives",
  500: "Failed on the server side (`internal_error`, `stored_record_invalid`)",
  503: "Storage is not reachable right now; retry shortly (`storage_unavailable`)",
};

type ErrorResponse = { description: string; content: { "application/json": { schema: typeof errorSchema } } };

/**
 * A route's error responses, declared once: `...errorResponses([400, 401, 404], { 404: "No such session" })`.
 * Every status answers with `errorSchema`; descriptions default to the status's usual meaning.
 * A 500 is always included: any route can fail on our side.
 */
export function errorResponses<const S extends ErrorStatus>(
  statuses: readonly S[],
  descriptions: Partial<Record<S | 500, string>> = {},
): Record<S | 500, ErrorResponse> {
  const responses = {} as Record<S | 500, ErrorResponse>;
  for (const status of [...statuses, 500 as const]) {
    responses[status] = {
      description: (descriptions as Partial<Record<ErrorStatus, string>>)[status] ?? DEFAULT_DESCRIPTIONS[status],
      content: { "application/json": { schema: errorSchema } },
    };
  }
  return responses;
}
