import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import { metadataSchema, isFinal, type SessionRecord } from "../../sessions/session-record.js";
import { waitForSession } from "../../sessions/session-events.js";
import { acceptsComplete } from "../../sessions/session-states.js";
import { sameOwner } from "../../sessions/subject.js";
import { sessionView } from "../../sessions/session-view.js";
import { loginUrlRuleViolation } from "../../providers/login-url-rule.js";
import { ApiError } from "../api-error.js";
import type { ApiEnv, AppDeps } from "../app.js";
import { parseId, parseWait, readJson, sessionIdSchema } from "../request-helpers.js";

const startSchema = z
  .object({
    providerId: z.string().min(1).max(64),
    metadata: metadataSchema.optional(),
    loginUrl: z.string().max(2048).optional(),
  })
  .strict();

const WAITING_TO_START = new Set(["queued", "starting"]);

export function browserLoginRoutes(deps: AppDeps) {
  const { sessions, events, queue, providers } = deps;
  const routes = new Hono<ApiEnv>();

  // Local sessions: live view links signed for this session and its link generation, recomputed on each read.
  const view = (record: SessionRecord) => ({ ...sessionView(record), ...deps.liveView?.links.urlsFor(record) });

  /** The caller's session, or 404: another subject's session does not exist for them. */
  async function ownSession(id: string | undefined, subject: ApiEnv["Variables"]["subject"]) {
    const sessionId = parseId(sessionIdSchema, id, "login session");
    const record = await sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, subject)) throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    return record;
  }

  const waitUntil = (id: string, wanted: (r: SessionRecord) => boolean, ms: number) =>
    waitForSession(events, id, async () => {
      const record = await sessions.get(id);
      return record && wanted(record) ? record : undefined;
    }, ms, undefined, deps.draining);

  routes.post("/start", async (c) => {
    const waitMs = parseWait(c, 0);
    const body = await readJson(c, startSchema);
    const provider = providers.get(body.providerId);
    if (!provider) throw new ApiError(404, "provider_not_found", `No provider ${body.providerId}; GET /providers lists them`);
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

  routes.get("/:id", async (c) => c.json(view(await ownSession(c.req.param("id"), c.get("subject")))));

  routes.post("/:id/complete", async (c) => {
    const waitMs = parseWait(c, 10_000);
    let record = await ownSession(c.req.param("id"), c.get("subject"));
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

  routes.post("/:id/cancel", async (c) => {
    const record = await ownSession(c.req.param("id"), c.get("subject"));
    if (record.status === "cancelled") return c.json(view(record));
    const result = await sessions.transition(record.id, { status: "cancelled", error: { code: "cancelled", message: "Cancelled by the client" } });
    if (!result.ok) {
      const current = (await sessions.get(record.id)) ?? record;
      throw new ApiError(409, "session_ended", `The session already ended as ${current.status}`, view(current));
    }
    // A queued job is dropped here; a running one is stopped by its worker, woken by the status change.
    await queue.remove(record.id).catch(() => {});
    return c.json(view(result.record));
  });

  routes.post("/:id/live-view/revoke", async (c) => {
    const record = await ownSession(c.req.param("id"), c.get("subject"));
    if (!deps.liveView?.links.urlsFor(record)) {
      throw new ApiError(409, "no_live_view", "This session has no self-hosted live view to revoke");
    }
    // Old links stop verifying; the relays watching the session hear of it through the status change and cut their viewers off.
    const result = await sessions.transition(record.id, { liveViewGeneration: (record.liveViewGeneration ?? 0) + 1 });
    if (!result.ok) throw new ApiError(409, "session_ended", `The session already ended as ${result.status ?? "gone"}; its links no longer work`);
    return c.json(view(result.record));
  });

  return routes;
}
