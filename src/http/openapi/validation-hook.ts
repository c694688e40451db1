import type { Hook } from "@hono/zod-openapi";
import { ApiError, RequestValidationError } from "../errors.ts";

/**
 * What OpenAPIHono does when a request's params, query or body fail their zod schema: throw the
 * API's 400, which the app's error handler answers with `{ error: { code, message } }`.
 * - path params: `invalid_id`, with the id schema's own message ("x is not a valid login session id")
 * - query: `invalid_<name>` (e.g. `invalid_wait`), with the first issue's message
 * - body, headers: `invalid_request`, with every issue in `details`
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook serves every route, whatever its inputs' types
export const validationHook: Hook<unknown, any, string, void> = (result) => {
  if (result.success) return;
  const [first] = result.error.issues;
  if (result.target === "param") throw new ApiError(400, "invalid_id", first?.message ?? "Not a valid id");
  if (result.target === "query") {
    const name = String(first?.path[0] ?? "query");
    throw new ApiError(400, `invalid_${name}`, first?.message ?? `${name} is not valid`);
  }
  throw new RequestValidationError(result.error);
};
