import { createRoute, z } from "@hono/zod-openapi";
import { CHECK_STATUSES } from "../credentials/credential-metadata-schema.ts";
import { credentialOfKind } from "../credentials/credential-of-kind.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { pathId } from "../http/openapi/path-id.ts";
import { credentialIdParams, waitQuery } from "../http/route-params.ts";
import type { ApiEnv } from "../http/router.ts";
import { createApiRouter } from "../http/router.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { CheckResult } from "./check-queue.ts";
import type { CheckState, CheckWaiter } from "./check-waiter.ts";

const checkId = pathId(/^verify-[0-9a-f-]{36}$/, "check", "verify-5b0c7a4e-1c9d-4a51-8c0e-0f3f6f2d9b11");
const CHECK_WAIT_MAX_MS = 60_000;

const checkResultSchema = z
  .object({
    checkId: z.string(),
    credentialId: z.string(),
    state: z
      .enum(["completed", "failed", "pending"])
      .openapi({ description: "`pending`: still queued or running; ask `checkUrl` again" }),
    checkUrl: z.string(),
    status: z.enum(CHECK_STATUSES).optional().openapi({
      description:
        "What the check found (completed checks): `inconclusive` when it could not tell (`reason` says why); that never marks the credential expired",
    }),
    method: z.enum(["browser", "http", "predicted_expiry"]).optional(),
    reason: z.string().optional(),
    lastVerifiedAt: z.string().optional(),
    version: z.number().int().optional(),
    refreshed: z.boolean().optional().openapi({
      description:
        "What the site changed during the check (sites rotate sessions on use) was stored in place: version + 1, `credential.renewed`",
    }),
    ms: z.number().optional(),
  })
  .openapi("CredentialCheck");

const verifyRoute = createRoute({
  method: "post",
  path: "/{id}/verify",
  summary: "Check that a stored browser login still works",
  description:
    "Opens the provider's verify URL (or, for a provider without `verify`, its login URL judged by its success condition) in a fresh isolated browser context holding the credential, in a worker, and records `status` (active | expired | inconclusive), `lastVerifiedAt` and `lastCheck`. Whatever the site changed during the visit (a rotated session cookie) is stored in place: same id, version + 1, `credential.renewed`; a logged-out browser's state is not stored. `refresh=true` is accepted for compatibility: every check does this now.",
  request: {
    params: credentialIdParams,
    query: waitQuery(30_000, CHECK_WAIT_MAX_MS).extend({ refresh: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: jsonResponse("The check finished", checkResultSchema),
    202: jsonResponse("Still running after `wait`: ask `checkUrl`", checkResultSchema),
    ...errorResponses([400, 401, 404, 409], {
      409: "Not a browser login (`wrong_credential_kind`), or its provider is not configured as one (`provider_not_found`)",
    }),
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

export interface CheckRouteDeps {
  vault: CredentialVault;
  /** Credential checks: queued for the workers, awaited through queue events. */
  checks: CheckWaiter;
  providers: ProviderRegistry;
  /** Aborted when the API shuts down: waiting requests answer at once. */
  draining?: AbortSignal;
}

/** A check's result as kept by the queue; results written before `inconclusive` said `unknown`. */
function completedResult(result: CheckResult) {
  const { outcome: _outcome, status, ...rest } = result;
  const legacy = (status as string | undefined) === "unknown";
  return { ...rest, ...(status ? { status: legacy ? ("inconclusive" as const) : status } : {}) };
}

/** Health checks of stored browser logins: `POST /credentials/:id/verify` and its outcome. */
export function credentialCheckRoutes(deps: CheckRouteDeps) {
  const { vault, checks, providers } = deps;
  const routes = createApiRouter();

  const ownBrowserLogin = (id: string, subject: ApiEnv["Variables"]["subject"]) =>
    credentialOfKind(vault, id, subject, "browser_login", "only a browser login is checked or logged into again");

  const checkBody = (id: string, check: string, found: CheckState) => ({
    checkId: check,
    credentialId: id,
    state: found.state,
    checkUrl: `/credentials/${id}/checks/${check}`,
    ...(found.state === "completed" ? completedResult(found.result) : {}),
    ...(found.state === "failed"
      ? { status: "inconclusive" as const, reason: "The worker running the check stopped before it finished" }
      : {}),
  });

  routes.openapi(verifyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { refresh, wait = 30_000 } = c.req.valid("query");
    const found = await ownBrowserLogin(id, c.get("subject"));
    const provider = providers.get(found.providerId);
    if (provider?.kind !== "browser_login") {
      throw new ApiError(
        409,
        "provider_not_found",
        `Provider ${found.providerId} is not configured as a browser login`,
      );
    }
    const check = await checks.enqueue({
      credentialId: id,
      owner: c.get("subject"),
      trigger: "request",
      refresh: refresh === "true",
      apiKeyId: c.get("apiKeyId"),
      requestId: c.get("requestId"),
    });
    const result = (await checks.wait(check, wait, deps.draining)) ?? {
      state: "pending" as const,
      data: undefined as never,
    };
    return c.json(checkBody(id, check, result), result.state === "pending" ? 202 : 200);
  });

  routes.openapi(checkRoute, async (c) => {
    const { id, checkId: check } = c.req.valid("param");
    const { wait = 0 } = c.req.valid("query");
    const found = await checks.wait(check, wait, deps.draining);
    const owner = c.get("subject");
    if (
      !found ||
      found.data.credentialId !== id ||
      found.data.owner.userId !== owner.userId ||
      found.data.owner.orgId !== owner.orgId
    ) {
      throw new ApiError(404, "check_not_found", `No check ${check} of credential ${id}`);
    }
    return c.json(checkBody(id, check, found), found.state === "pending" ? 202 : 200);
  });

  return routes;
}
