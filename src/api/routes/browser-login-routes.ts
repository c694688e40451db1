import { Hono } from "hono";
import { isFinal, type SessionRecord } from "../../sessions/session-record.js";
import { acceptsComplete } from "../../sessions/session-states.js";
import { sameOwner } from "../../sessions/subject.js";
import { sessionView } from "../../sessions/session-view.js";
import { ApiError } from "../api-error.js";
import { cancelLoginSession, createLoginStarter, sessionWaiter, startSchema } from "../login-session-actions.js";
import type { ApiEnv, AppDeps } from "../app.js";
import { parseId, parseWait, readJson, sessionIdSchema } from "../request-helpers.js";

export function browserLoginRoutes(deps: AppDeps) {
  const { sessions } = deps;
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

  const waitUntil = sessionWaiter(deps);
  const startLogin = createLoginStarter(deps);

  routes.post("/start", async (c) => {
    const waitMs = parseWait(c, 0);
    const body = await readJson(c, startSchema);
    const latest = await startLogin(c.get("subject"), body, waitMs);
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
    const result = await cancelLoginSession(deps, record, "Cancelled by the client");
    if (!result.ok) throw new ApiError(409, "session_ended", `The session already ended as ${result.current.status}`, view(result.current));
    return c.json(view(result.record));
  });

  routes.post("/:id/live-view/revoke", async (c) => {
    const record = await ownSession(c.req.param("id"), c.get("subject"));
    if (!deps.liveView || !record.liveViewAddress) {
      throw new ApiError(409, "no_live_view", "This session has no self-hosted live view to revoke");
    }
    // Old links stop verifying; the relays watching the session hear of it through the status change and cut their viewers off.
    const result = await sessions.transition(record.id, { liveViewGeneration: (record.liveViewGeneration ?? 0) + 1 });
    if (!result.ok) throw new ApiError(409, "session_ended", `The session already ended as ${result.status ?? "gone"}; its links no longer work`);
    return c.json(view(result.record));
  });

  return routes;
}
