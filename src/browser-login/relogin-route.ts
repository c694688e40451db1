import { createRoute, z } from "@hono/zod-openapi";
import type { Subject } from "../core/subject.ts";
import { credentialOfKind } from "../credentials/credential-of-kind.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { credentialView } from "../credentials/credential-view.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { credentialIdParams, waitQuery } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import type { LiveViewLinks } from "./live-view-ports.ts";
import { createLoginStarter, type LoginStarterDeps, TOO_MANY_SESSIONS } from "./login-actions.ts";
import { sessionView } from "./sessions/session-view.ts";

const sessionSchema = z
  .looseObject({ sessionId: z.string(), status: z.string(), credentialId: z.string().optional() })
  .openapi("ReloginSession");

const relogin = createRoute({
  method: "post",
  path: "/{id}/relogin",
  summary: "Log in again, replacing the credential in place",
  description:
    "Starts a login session for the credential's provider and subject whose browser starts with the stored state (sites that remember the device ask less). On success the credential is replaced in place (same id, version + 1) and `credential.renewed` fires; until then the previous version stays readable. Follow the session like any other (`GET /browser-login/:id`, its events); its `credentialId` is this credential.",
  request: { params: credentialIdParams, query: waitQuery(0) },
  responses: {
    202: jsonResponse("The login session, as `POST /browser-login/start` answers it", sessionSchema),
    ...errorResponses([400, 401, 404, 409, 429], {
      409: "Not a browser login, or its provider is not configured as one (`wrong_credential_kind`, `provider_not_found`)",
      429: TOO_MANY_SESSIONS,
    }),
  },
});

export interface ReloginRouteDeps extends LoginStarterDeps {
  vault: CredentialVault;
  liveView?: { links: LiveViewLinks };
}

/** `POST /credentials/:id/relogin`: a login session seeded with the stored state, whose capture replaces the credential in place. */
export function reloginRoute(deps: ReloginRouteDeps) {
  const routes = createApiRouter();
  const startLogin = createLoginStarter(deps);
  const ownBrowserLogin = (id: string, subject: Subject) =>
    credentialOfKind(deps.vault, id, subject, "browser_login", "only a browser login is checked or logged into again");

  routes.openapi(relogin, async (c) => {
    const { id } = c.req.valid("param");
    const { wait = 0 } = c.req.valid("query");
    const found = await ownBrowserLogin(id, c.get("subject"));
    const provider = deps.providers.get(found.providerId);
    if (provider?.kind !== "browser_login")
      throw new ApiError(
        409,
        "provider_not_found",
        `Provider ${found.providerId} is not configured as a browser login`,
      );
    const renews = { version: found.version, apiKeyId: c.get("apiKeyId"), requestId: c.get("requestId") };
    const latest = await startLogin(c.get("subject"), { providerId: provider.id, metadata: { reloginOf: id } }, wait, {
      credentialId: id,
      renews,
    });
    return c.json(
      { ...sessionView(latest), ...deps.liveView?.links.urlsFor(latest), credential: credentialView(found) },
      202,
    );
  });
  return routes;
}
