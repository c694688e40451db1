import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { OrgRole, Subject } from "../core/subject.ts";
import { validationHook } from "./openapi/validation-hook.ts";

/**
 * What the shell's middleware sets on every request: whom it acts for, its id, which service key it
 * came with, and (with an organisation) the user's role in it as the app asserts it for this request.
 */
export type ApiEnv = { Variables: { subject: Subject; orgRole?: OrgRole; requestId: string; apiKeyId: string } };

/**
 * A router whose routes are declared with `createRoute` (their zod schemas validate the request
 * and describe it in /openapi.json); validation failures become the API's 400 JSON error.
 * Mount it with `app.route(path, router)`: its routes join the document under that path.
 */
export function createApiRouter<E extends Env = ApiEnv>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}
