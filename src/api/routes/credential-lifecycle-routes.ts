import { createRoute, z } from "@hono/zod-openapi";
import { createApiRouter } from "../openapi/api-router.ts";
import { errorResponses } from "../openapi/error-responses.ts";
import { pathId } from "../openapi/path-id.ts";
import { credentialIdParams, waitQuery } from "./route-params.ts";
import { credentialView } from "../../credentials/credential-view.ts";
import { CREDENTIAL_STATUSES } from "../../credentials/credential-metadata-schema.ts";
import { sessionView } from "../../sessions/session-view.ts";
import { ApiError } from "../api-error.ts";
import type { ApiEnv, AppDeps } from "../app.ts";
import type { CheckState } from "../check-waiter.ts";
import { createLoginStarter } from "../login-session-actions.ts";
import { jsonResponse } from "../openapi/json-response.ts";
import { credentialOfKind } from "../credential-of-kind.ts";

const checkId = pathId(/^verify-[0-9a-f-]{36}$/, "check", "verify-5b0c7a4e-1c9d-4a51-8c0e-0f3f6f2d9b11");
const CHECK_WAIT_MAX_MS = 60_000;

const checkResultSchema = z
  .object({
    checkId: z.string(),
    credentialId: z.string(),
    state: z.enum(["completed", "failed", "pending"]).openapi({ description: "`pending`: still queued or running; ask `checkUrl` again" }),
    checkUrl: z.string(),
    status: z.enum(CREDENTIAL_STATUSES).optional().openapi({ description: "What the check found (completed checks)" }),
    method: z.enum(["browser", "http", "predicted_expiry"]).optional(),
    reason: z.string().optional(),
    lastVerifiedAt: z.string().optional(),
    version: z.number().int().optional(),
    refreshed: z.boolean().optional().openapi({ description: "The state as the site left it was saved in place (version + 1)" }),
    ms: z.number().optional(),
  })
  .openapi("CredentialCheck");

const sessionSchema = z.looseObject({ sessionId: z.string(), status: z.string(), credentialId: z.string().optional() }).openapi("ReloginSession");

const verifyRoute = createRoute({
  method: "post",
  path: "/{id}/verify",
  summary: "Check that a stored browser login still works",
  description:
    "Opens the provider's verify URL in a fresh isolated browser context holding the credential, in a worker, and records `status` (active | expired | unknown) and `lastVerifiedAt`. The stored state changes only with `refresh=true`, which saves the cookies as the site left them (same id, version + 1).",
  request: {
    params: credentialIdParams,
    query: waitQuery(30_000, CHECK_WAIT_MAX_MS).extend({ refresh: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: jsonResponse("The check finished", checkResultSchema),
    202: jsonResponse("Still running after `wait`: ask `checkUrl`", checkResultSchema),
    ...errorResponses([400, 401, 404, 409], { 409: "Not a browser login (`wrong_credential_kind`), or its provider declares no check (`verify_not_declared`)" }),
  },
});

const checkRoute = createRoute({
  method: "get",
  path: "/{id}/checks/{checkId}",
  summary: "The outcome of a credential check",
  request: { params: credentialIdParams.extend({ checkId }), query: waitQuery(0, CHECK_WAIT_MAX_MS) },
  responses: {
    200: jsonResponse("The check finished", checkResultSchema),
    202: jsonResponse("Still queued or running", checkResultSchema),
    ...errorResponses([400, 401, 404], { 404: "No such check of this credential (results are kept an hour)" }),
  },
});

const reloginRoute = createRoute({
  method: "post",
  path: "/{id}/relogin",
  summary: "Log in again, replacing the credential in place",
  description:
    "Starts a login session for the credential's provider and subject whose browser starts with the stored state (sites that remember the device ask less). On success the credential is replaced in place (same id, version + 1) and `credential.renewed` fires; until then the previous version stays readable. Follow the session like any other (`GET /browser-login/:id`, its events); its `credentialId` is this credential.",
  request: { params: credentialIdParams, query: waitQuery(0) },
  responses: {
    202: jsonResponse("The login session, as `POST /browser-login/start` answers it", sessionSchema),
    ...errorResponses([400, 401, 404, 409], { 409: "Not a browser login, or its provider is not configured as one (`wrong_credential_kind`, `provider_not_found`)" }),
  },
});

/** Health checks and re-login of stored browser logins (issue 9, "Health and renewal"). */
export function credentialLifecycleRoutes(deps: AppDeps) {
  const { vault, checks, providers } = deps;
  const routes = createApiRouter();
  const startLogin = createLoginStarter(deps);

  const ownBrowserLogin = (id: string, subject: ApiEnv["Variables"]["subject"]) =>
    credentialOfKind(vault, id, subject, "browser_login", "only a browser login is checked or logged into again");

  const checkBody = (id: string, check: string, found: CheckState) => ({
    checkId: check,
    credentialId: id,
    state: found.state,
    checkUrl: `/credentials/${id}/checks/${check}`,
    ...(found.state === "completed" ? found.result : {}),
    ...(found.state === "failed" ? { status: "unknown" as const, reason: "The worker running the check stopped before it finished" } : {}),
  });

  routes.openapi(verifyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { refresh, wait = 30_000 } = c.req.valid("query");
    const found = await ownBrowserLogin(id, c.get("subject"));
    const provider = providers.get(found.providerId);
    if (provider?.kind !== "browser_login" || !provider.verify) {
      throw new ApiError(409, "verify_not_declared", `Provider ${found.providerId} declares no verify check: add "verify" to it in the providers file`);
    }
    const check = await checks.enqueue({
      credentialId: id,
      owner: c.get("subject"),
      trigger: "request",
      refresh: refresh === "true",
      apiKeyId: c.get("apiKeyId"),
      requestId: c.get("requestId"),
    });
    const result = (await checks.wait(check, wait, deps.draining)) ?? { state: "pending" as const, data: undefined as never };
    return c.json(checkBody(id, check, result), result.state === "pending" ? 202 : 200);
  });

  routes.openapi(checkRoute, async (c) => {
    const { id, checkId: check } = c.req.valid("param");
    const { wait = 0 } = c.req.valid("query");
    const found = await checks.wait(check, wait, deps.draining);
    const owner = c.get("subject");
    if (!found || found.data.credentialId !== id || found.data.owner.userId !== owner.userId || found.data.owner.orgId !== owner.orgId) {
      throw new ApiError(404, "check_not_found", `No check ${check} of credential ${id}`);
    }
    return c.json(checkBody(id, check, found), found.state === "pending" ? 202 : 200);
  });

  routes.openapi(reloginRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { wait = 0 } = c.req.valid("query");
    const found = await ownBrowserLogin(id, c.get("subject"));
    const provider = providers.get(found.providerId);
    if (provider?.kind !== "browser_login") throw new ApiError(409, "provider_not_found", `Provider ${found.providerId} is not configured as a browser login`);
    const renews = { version: found.version, apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") };
    const latest = await startLogin(c.get("subject"), { providerId: provider.id, metadata: { reloginOf: id } }, wait, { credentialId: id, renews });
    return c.json({ ...sessionView(latest), ...deps.liveView?.links.urlsFor(latest), credential: credentialView(found) }, 202);
  });

  return routes;
}
