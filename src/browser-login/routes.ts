import { createRoute } from "@hono/zod-openapi";
import { type Subject, sameOwner } from "../core/subject.ts";
import { ApiError } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { jsonBody } from "../http/openapi/json-body.ts";
import { jsonResponse } from "../http/openapi/json-response.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { sessionIdParams, waitQuery } from "../http/route-params.ts";
import { createApiRouter } from "../http/router.ts";
import type { LiveViewLinks } from "./live-view-ports.ts";
import {
  cancelLoginSession,
  createLoginStarter,
  type LoginStarterDeps,
  sessionWaiter,
  startSchema,
  TOO_MANY_SESSIONS,
} from "./login-actions.ts";
import { isFinal, type SessionRecord } from "./sessions/session-record.ts";
import { acceptsComplete } from "./sessions/session-states.ts";
import { sessionView, sessionViewSchema } from "./sessions/session-view.ts";

const session = (description: string) => jsonResponse(description, sessionViewSchema);
const tags = ["Browser login"];

const start = createRoute({
  method: "post",
  path: "/start",
  tags,
  summary: "Start a browser login",
  description:
    "Queues a login session: a worker opens the provider's login page in a browser the user reaches through `liveViewUrl`.",
  security: subjectSecurity,
  request: { query: waitQuery(0), body: jsonBody(startSchema) },
  responses: {
    202: session("The session, queued (or further along when `wait` was given)"),
    ...errorResponses([400, 401, 404, 409, 413, 415, 422, 429, 503], {
      404: "No such provider (`provider_not_found`)",
      409: "The provider is not a browser login (`wrong_provider_kind`)",
      422: "This loginUrl is not allowed (`login_url_not_allowed`) or already matches the success condition (`login_url_matches_success`)",
      429: TOO_MANY_SESSIONS,
    }),
  },
});

const status = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "A login session's status",
  security: subjectSecurity,
  request: { params: sessionIdParams },
  responses: {
    200: session("The session"),
    ...errorResponses([400, 401, 404, 503], { 404: "No such session for this subject (`session_not_found`)" }),
  },
});

const complete = createRoute({
  method: "post",
  path: "/{id}/complete",
  tags,
  summary: "Capture the login now (or end a kept-alive browser)",
  description:
    "For providers that capture on complete (or to hurry one that waits to settle): capture once the user is authenticated. On a `kept_alive` session: close the kept-alive browser (what the site changed in it is stored in place) and complete the session.",
  security: subjectSecurity,
  request: { params: sessionIdParams, query: waitQuery(10_000) },
  responses: {
    200: session("Captured: the session is completed (or kept_alive) and names its credentialId"),
    202: session("Requested, still capturing when the wait ran out: poll the status"),
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such session for this subject (`session_not_found`)",
      409: "The user has not logged in yet (`login_not_finished`), or the session ended otherwise (`session_ended`, its state in `details`)",
    }),
  },
});

const cancel = createRoute({
  method: "post",
  path: "/{id}/cancel",
  tags,
  summary: "Cancel a login session",
  security: subjectSecurity,
  request: { params: sessionIdParams },
  responses: {
    200: session("The session, cancelled (cancelling twice answers the same)"),
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such session for this subject (`session_not_found`)",
      409: "The session already ended (`session_ended`, its state in `details`)",
    }),
  },
});

const revokeLiveView = createRoute({
  method: "post",
  path: "/{id}/live-view/revoke",
  tags: ["Live view"],
  summary: "Revoke a session's live view links",
  description:
    "Links handed out so far stop working and their viewers are cut off; the session answers with new links.",
  security: subjectSecurity,
  request: { params: sessionIdParams },
  responses: {
    200: session("The session with its new live view links"),
    ...errorResponses([400, 401, 404, 409, 503], {
      404: "No such session for this subject (`session_not_found`)",
      409: "No self-hosted live view (`no_live_view`), or the session ended (`session_ended`)",
    }),
  },
});

export interface BrowserLoginRouteDeps extends LoginStarterDeps {
  /** The self-hosted live view's links, handed out with each session. */
  liveView?: { links: LiveViewLinks };
}

export function browserLoginRoutes(deps: BrowserLoginRouteDeps) {
  const { sessions } = deps;
  const routes = createApiRouter();

  // Local sessions: live view links signed for this session and its link generation, recomputed on each read.
  const view = (record: SessionRecord) => ({ ...sessionView(record), ...deps.liveView?.links.urlsFor(record) });

  /** The caller's session, or 404: another subject's session does not exist for them. */
  async function ownSession(sessionId: string, subject: Subject) {
    const record = await sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, subject))
      throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    return record;
  }

  const waitUntil = sessionWaiter(deps);
  const startLogin = createLoginStarter(deps);

  routes.openapi(start, async (c) => {
    const latest = await startLogin(c.get("subject"), c.req.valid("json"), c.req.valid("query").wait ?? 0);
    return c.json(view(latest), 202);
  });

  routes.openapi(status, async (c) => c.json(view(await ownSession(c.req.valid("param").id, c.get("subject"))), 200));

  routes.openapi(complete, async (c) => {
    const waitMs = c.req.valid("query").wait ?? 10_000;
    let record = await ownSession(c.req.valid("param").id, c.get("subject"));
    // A kept-alive browser is ended by complete; any other session is captured (and may be kept alive then).
    const ending = record.status === "kept_alive";
    const done = (r: SessionRecord) => isFinal(r.status) || (!ending && r.status === "kept_alive");
    if (acceptsComplete(record.status)) {
      const requested = await sessions.requestComplete(record.id);
      record = requested.ok ? requested.record : ((await sessions.get(record.id)) ?? record);
      record = (await waitUntil(record.id, done, waitMs)) ?? record;
    }
    if (record.status === "completed" || (!ending && record.status === "kept_alive")) return c.json(view(record), 200);
    if (acceptsComplete(record.status)) return c.json(view(record), 202);
    if (isFinal(record.status)) {
      throw new ApiError(
        409,
        "session_ended",
        `The session ended as ${record.status}${record.error ? `: ${record.error.message}` : ""}`,
        view(record),
      );
    }
    throw new ApiError(
      409,
      "login_not_finished",
      `The user has not logged in yet (status ${record.status}); poll the status and call complete after authenticated`,
    );
  });

  routes.openapi(cancel, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    const result = await cancelLoginSession(deps, record, "Cancelled by the client");
    if (!result.ok)
      throw new ApiError(
        409,
        "session_ended",
        `The session already ended as ${result.current.status}`,
        view(result.current),
      );
    return c.json(view(result.record), 200);
  });

  routes.openapi(revokeLiveView, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    if (!deps.liveView?.links.urlsFor(record)) {
      throw new ApiError(409, "no_live_view", "This session has no self-hosted live view to revoke");
    }
    // Old links stop verifying; the relays watching the session hear of it through the status change and cut their viewers off.
    const result = await sessions.transition(record.id, { liveViewGeneration: (record.liveViewGeneration ?? 0) + 1 });
    if (!result.ok)
      throw new ApiError(
        409,
        "session_ended",
        `The session already ended as ${result.status ?? "gone"}; its links no longer work`,
      );
    return c.json(view(result.record), 200);
  });

  return routes;
}
