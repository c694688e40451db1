import type { Context } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { pumpEvents } from "../../events/event-stream.js";
import { eventIdSchema, publicEvent, type LoggedEvent } from "../../events/event-types.js";
import { FINAL_STATUSES } from "../../sessions/session-states.js";
import { sessionView } from "../../sessions/session-view.js";
import { ownerKey, sameOwner } from "../../sessions/subject.js";
import { ApiError, errorBody } from "../api-error.js";
import type { ApiEnv, AppDeps } from "../app.js";
import { parseId, sessionIdSchema } from "../request-helpers.js";

const FINAL_EVENTS = new Set<string>(FINAL_STATUSES.map((status) => `session.${status}`));

/**
 * Server-Sent Events, fed by the event log in Redis (any worker wrote it; any API process serves it).
 * - `GET /browser-login/:id/events`: the session's events from its start (or after `Last-Event-ID`),
 *   each with the body `GET /browser-login/:id` gave at that moment; ends after the final status.
 * - `GET /events`: every session and credential event of the caller's subject from now (or after `Last-Event-ID`).
 * A `Last-Event-ID` older than the retention window answers 410: events after it may be gone.
 */
export function eventRoutes(deps: AppDeps) {
  const { eventLog, eventTail, sessions } = deps;

  /** Redis lost mid-stream: the client hears why, and reconnects (with its Last-Event-ID) when it will. */
  const onStreamError = async (error: Error, sse: SSEStreamingApi) => {
    deps.logger.warn({ err: { message: error.message } }, "event stream stopped");
    await sse.writeSSE({ event: "error", data: JSON.stringify(errorBody("storage_unavailable", "The event log is not reachable; reconnect with Last-Event-ID")) });
  };

  async function lastEventId(c: Context<ApiEnv>, stream: string): Promise<string | undefined> {
    const raw = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    if (raw === undefined || raw === "") return undefined;
    const id = parseId(eventIdSchema, raw, "event");
    if (await eventLog.beyondRetention(id, stream)) {
      const hours = Math.round((eventLog.retentionMs / 3_600_000) * 10) / 10;
      throw new ApiError(410, "events_expired", `Events after this id are gone (kept: ${hours} h, up to the stream's length limit); read the current state and reconnect without Last-Event-ID`);
    }
    return id;
  }

  async function sessionEvents(c: Context<ApiEnv>) {
    const sessionId = parseId(sessionIdSchema, c.req.param("id"), "login session");
    const record = await sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, c.get("subject"))) throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    const stream = eventLog.keys.ofSession(sessionId);
    const from = (await lastEventId(c, stream)) ?? "0";
    if (FINAL_STATUSES.includes(record.status) && (await eventLog.after(stream, from, 1)).length === 0) {
      // Nothing more will come: 204 tells an EventSource to stop reconnecting.
      if (from !== "0") return c.body(null, 204);
      // Its events aged out of the log: the final state, once.
      return streamSSE(c, (sse) => sse.writeSSE({ event: `session.${record.status}`, data: JSON.stringify(sessionView(record)) }));
    }
    return streamSSE(c, (sse) =>
      pumpEvents(sse, {
        log: eventLog,
        tail: eventTail,
        stream,
        filter: (event) => event.sessionId === sessionId,
        from,
        toMessage: (event) => ({ id: event.id, event: event.type, data: JSON.stringify(event.data) }),
        isLast: (event) => FINAL_EVENTS.has(event.type),
        heartbeatMs: deps.sseHeartbeatMs,
        signal: deps.draining,
      }),
      onStreamError,
    );
  }

  async function subjectEvents(c: Context<ApiEnv>) {
    const subject = c.get("subject");
    const owner = ownerKey(subject);
    const from = await lastEventId(c, eventLog.keys.ofOwner(subject));
    return streamSSE(c, (sse) =>
      pumpEvents(sse, {
        log: eventLog,
        tail: eventTail,
        stream: eventLog.keys.ofOwner(subject),
        filter: (event: LoggedEvent) => event.owner === owner,
        from,
        toMessage: (event) => ({ id: event.id, event: event.type, data: JSON.stringify({ id: event.id, ...publicEvent(event) }) }),
        heartbeatMs: deps.sseHeartbeatMs,
        signal: deps.draining,
      }),
      onStreamError,
    );
  }

  return { sessionEvents, subjectEvents };
}
