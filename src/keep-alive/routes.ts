import { createRoute, z } from "@hono/zod-openapi";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import { sessionView, sessionViewSchema } from "../browser-login/sessions/session-view.ts";
import { type Subject, sameOwner } from "../core/subject.ts";
import type { CredentialAudit } from "../credentials/credential-audit.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { sessionIdParams } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import { mintDevToolsToken } from "./devtools-token.ts";

const tags = ["Kept-alive browsers"];

const devToolsLinkSchema = z
  .object({
    sessionId: z.string(),
    credentialId: z.string(),
    endpointUrl: z
      .string()
      .describe(
        "Give it to Playwright's `chromium.connectOverCDP(endpointUrl)`: the kept-alive browser, with the logged-in page in `browser.contexts()[0]`. A capability: anyone holding it drives that browser until it is revoked or the browser closes",
      ),
    until: z.string().describe("The browser closes at this time at most"),
  })
  .meta({ id: "DevToolsLink" });

const devTools = createRoute({
  method: "post",
  path: "/{id}/devtools",
  tags,
  summary: "A DevTools link to a kept-alive browser",
  description:
    "For sessions of a provider with `keepAlive`, once `kept_alive`: a WebSocket link through the API that `connectOverCDP` accepts, to the session's own browser process (no other session's context is in it). Commands that reach the worker's machine (downloads, file uploads from paths, `file:` pages, extensions, closing the browser) are refused. Each link handed out is written to the credential's audit trail (`live_devtools`). End the browser with `POST /browser-login/:id/complete`.",
  security: subjectSecurity,
  request: { params: sessionIdParams },
  responses: {
    201: jsonResponse("The link", devToolsLinkSchema),
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such session for this subject (`session_not_found`)",
      409: "The browser is not kept alive (`not_kept_alive`, the session in `details`), or cannot be driven from here (`devtools_unavailable`: a remote browser, or no live-view port on the worker)",
    }),
  },
});

const revoke = createRoute({
  method: "post",
  path: "/{id}/devtools/revoke",
  tags,
  summary: "Revoke a kept-alive browser's DevTools links",
  description: "Links handed out so far stop working and their connections are cut; a new one can be asked for.",
  security: subjectSecurity,
  request: { params: sessionIdParams },
  responses: {
    200: jsonResponse("Revoked", sessionViewSchema),
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such session for this subject (`session_not_found`)",
      409: "The session ended (`session_ended`)",
    }),
  },
});

export interface KeepAliveRouteDeps {
  sessions: SessionStore;
  audit: CredentialAudit;
  secret: Buffer;
  /** Where apps reach the API (links start with it, as ws:// or wss://). */
  publicUrl: () => string;
}

/** A kept-alive browser's DevTools links: handed out (audited) and revoked. Mounted under /browser-login. */
export function keepAliveRoutes(deps: KeepAliveRouteDeps) {
  const routes = createApiRouter();

  async function ownSession(sessionId: string, subject: Subject) {
    const record = await deps.sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, subject))
      throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    return record;
  }

  routes.openapi(devTools, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    if (record.status !== "kept_alive" || !record.keepAlive || !record.credentialId)
      throw new ApiError(
        409,
        "not_kept_alive",
        `The session's browser is not kept alive (status ${record.status})`,
        sessionView(record),
      );
    if (!record.keepAlive.devTools)
      throw new ApiError(
        409,
        "devtools_unavailable",
        "This browser cannot be driven through the API (a remote browser, or the worker serves no live-view port)",
      );
    // A DevTools connection reads the logged-in state as surely as a decrypt does.
    await deps.audit.record(record.credentialId, {
      at: new Date().toISOString(),
      subject: c.get("subject"),
      purpose: "live_devtools",
      apiKeyId: c.get("apiKeyId"),
      requestId: c.get("requestId"),
    });
    const base = deps.publicUrl().replace(/\/+$/, "").replace(/^http/, "ws");
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        sessionId: record.id,
        credentialId: record.credentialId,
        endpointUrl: `${base}/devtools/${mintDevToolsToken(deps.secret, record.id, record.devToolsGeneration ?? 0)}`,
        until: record.keepAlive.until,
      },
      201,
    );
  });

  routes.openapi(revoke, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    // Relays watching the session hear of it through the wake-up and cut their connections.
    const result = await deps.sessions.transition(record.id, {
      devToolsGeneration: (record.devToolsGeneration ?? 0) + 1,
    });
    if (!result.ok) throw new ApiError(409, "session_ended", `The session already ended as ${result.status ?? "gone"}`);
    return c.json(sessionView(result.record), 200);
  });

  return routes;
}
