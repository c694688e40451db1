import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { metadataSchema, isFinal, type SessionRecord } from "../../sessions/session-record.js";
import { waitForSession } from "../../sessions/session-events.js";
import { acceptsComplete } from "../../sessions/session-states.js";
import { sameOwner, type Subject } from "../../sessions/subject.js";
import { sessionView, sessionViewSchema } from "../../sessions/session-view.js";
import { loginUrlRuleViolation } from "../../providers/login-url-rule.js";
import { ApiError } from "../api-error.js";
import type { AppDeps } from "../app.js";
import { createApiRouter } from "../openapi/api-router.js";
import { errorResponses } from "../openapi/error-responses.js";
import { jsonResponse } from "../openapi/json-response.js";
import { subjectSecurity } from "../openapi/security.js";
import { sessionIdParams, waitQuery } from "./route-params.js";

const startSchema = z
  .strictObject({
    providerId: z.string().min(1).max(64).openapi({ description: "A provider from GET /providers", example: "demo" }),
    metadata: metadataSchema.optional().openapi({ description: "Your own values, returned on the session, its events and its credential" }),
    loginUrl: z.string().max(2048).optional().openapi({ description: "Where the browser starts instead of the provider's login URL (when the deployment allows it)" }),
  })
  .openapi("StartLogin");

const session = (description: string) => jsonResponse(description, sessionViewSchema);
const tags = ["Browser login"];

const start = createRoute({
  method: "post",
  path: "/start",
  tags,
  summary: "Start a browser login",
  description: "Queues a login session: a worker opens the provider's login page in a browser the user reaches through `liveViewUrl`.",
  security: subjectSecurity,
  request: { query: waitQuery(0), body: { required: true, content: { "application/json": { schema: startSchema } } } },
  responses: {
    202: session("The session, queued (or further along when `wait` was given)"),
    ...errorResponses([400, 401, 404, 409, 413, 415, 422, 503], {
      404: "No such provider (`provider_not_found`)",
      409: "The provider is not a browser login (`wrong_provider_kind`)",
      422: "This loginUrl is not allowed (`login_url_not_allowed`) or already matches the success condition (`login_url_matches_success`)",
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
  responses: { 200: session("The session"), ...errorResponses([400, 401, 404, 503], { 404: "No such session for this subject (`session_not_found`)" }) },
});

const complete = createRoute({
  method: "post",
  path: "/{id}/complete",
  tags,
  summary: "Capture the login now",
  description: "For providers that capture on complete (or to hurry one that waits to settle): capture once the user is authenticated.",
  security: subjectSecurity,
  request: { params: sessionIdParams, query: waitQuery(10_000) },
  responses: {
    200: session("Captured: the session is completed and names its credentialId"),
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
    ...errorResponses([400, 401, 404, 409, 503], { 404: "No such session for this subject (`session_not_found`)", 409: "The session already ended (`session_ended`, its state in `details`)" }),
  },
});

const revokeLiveView = createRoute({
  method: "post",
  path: "/{id}/live-view/revoke",
  tags: ["Live view"],
  summary: "Revoke a session's live view links",
  description: "Links handed out so far stop working and their viewers are cut off; the session answers with new links.",
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

const WAITING_TO_START = new Set(["queued", "starting"]);

export function browserLoginRoutes(deps: AppDeps) {
  const { sessions, events, queue, providers } = deps;
  const routes = createApiRouter();

  // Local sessions: live view links signed for this session and its link generation, recomputed on each read.
  const view = (record: SessionRecord) => ({ ...sessionView(record), ...deps.liveView?.links.urlsFor(record) });

  /** The caller's session, or 404: another subject's session does not exist for them. */
  async function ownSession(sessionId: string, subject: Subject) {
    const record = await sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, subject)) throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    return record;
  }

  const waitUntil = (id: string, wanted: (r: SessionRecord) => boolean, ms: number) =>
    waitForSession(events, id, async () => {
      const record = await sessions.get(id);
      return record && wanted(record) ? record : undefined;
    }, ms, undefined, deps.draining);

  routes.openapi(start, async (c) => {
    const waitMs = c.req.valid("query").wait ?? 0;
    const body = c.req.valid("json");
    const provider = providers.get(body.providerId);
    if (!provider) throw new ApiError(404, "provider_not_found", `No provider ${body.providerId}; GET /providers lists them`);
    if (provider.kind !== "browser_login") throw new ApiError(409, "wrong_provider_kind", `Provider ${provider.id} is an ${provider.kind} provider, not a browser login`);
    const loginUrl = body.loginUrl ? await deps.loginUrlPolicy(body.loginUrl) : provider.loginUrl;
    const violation = body.loginUrl ? loginUrlRuleViolation(provider.success, loginUrl) : undefined;
    if (violation) {
      const advice = "Start at a page that shows the login form without matching the condition, or at the provider's own login URL";
      throw new ApiError(422, "login_url_matches_success", `This loginUrl cannot be used with provider ${provider.id}: ${violation}. ${advice}`);
    }

    const now = Date.now();
    const expiresAtMs = now + (provider.timeoutMs ?? deps.sessionTimeoutMs);
    const record: SessionRecord = {
      id: `ls_${randomUUID().replaceAll("-", "")}`,
      owner: c.get("subject"),
      providerId: provider.id,
      loginUrl,
      status: "queued",
      liveViewUrl: null,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
      timeline: { queued: new Date(now).toISOString() },
      metadata: body.metadata ?? {},
    };
    await sessions.create(record, expiresAtMs);
    try {
      await queue.add("login", { sessionId: record.id }, { jobId: record.id });
    } catch (error) {
      await sessions
        .transition(record.id, { status: "failed", error: { code: "enqueue_failed", message: "The session could not be queued" } })
        .catch(() => {});
      throw error;
    }
    const latest = (await waitUntil(record.id, (r) => !WAITING_TO_START.has(r.status), waitMs)) ?? (await sessions.get(record.id)) ?? record;
    return c.json(view(latest), 202);
  });

  routes.openapi(status, async (c) => c.json(view(await ownSession(c.req.valid("param").id, c.get("subject"))), 200));

  routes.openapi(complete, async (c) => {
    const waitMs = c.req.valid("query").wait ?? 10_000;
    let record = await ownSession(c.req.valid("param").id, c.get("subject"));
    if (acceptsComplete(record.status)) {
      const requested = await sessions.requestComplete(record.id);
      record = requested.ok ? requested.record : ((await sessions.get(record.id)) ?? record);
      record = (await waitUntil(record.id, (r) => isFinal(r.status), waitMs)) ?? record;
    }
    if (record.status === "completed") return c.json(view(record), 200);
    if (acceptsComplete(record.status)) return c.json(view(record), 202);
    if (isFinal(record.status)) {
      throw new ApiError(409, "session_ended", `The session ended as ${record.status}${record.error ? `: ${record.error.message}` : ""}`, view(record));
    }
    throw new ApiError(409, "login_not_finished", `The user has not logged in yet (status ${record.status}); poll the status and call complete after authenticated`);
  });

  routes.openapi(cancel, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    if (record.status === "cancelled") return c.json(view(record), 200);
    const result = await sessions.transition(record.id, { status: "cancelled", error: { code: "cancelled", message: "Cancelled by the client" } });
    if (!result.ok) {
      const current = (await sessions.get(record.id)) ?? record;
      throw new ApiError(409, "session_ended", `The session already ended as ${current.status}`, view(current));
    }
    // A queued job is dropped here; a running one is stopped by its worker, woken by the status change.
    await queue.remove(record.id).catch(() => {});
    return c.json(view(result.record), 200);
  });

  routes.openapi(revokeLiveView, async (c) => {
    const record = await ownSession(c.req.valid("param").id, c.get("subject"));
    if (!deps.liveView || !record.liveViewAddress) {
      throw new ApiError(409, "no_live_view", "This session has no self-hosted live view to revoke");
    }
    // Old links stop verifying; the relays watching the session hear of it through the status change and cut their viewers off.
    const result = await sessions.transition(record.id, { liveViewGeneration: (record.liveViewGeneration ?? 0) + 1 });
    if (!result.ok) throw new ApiError(409, "session_ended", `The session already ended as ${result.status ?? "gone"}; its links no longer work`);
    return c.json(view(result.record), 200);
  });

  return routes;
}
