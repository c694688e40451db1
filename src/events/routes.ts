import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { SSEStreamingApi } from "hono/streaming";
import type { Logger } from "pino";
import { FINAL_STATUSES } from "../browser-login/sessions/session-states.ts";
import type { SessionStore } from "../browser-login/sessions/session-store.ts";
import { sessionView } from "../browser-login/sessions/session-view.ts";
import { ownerKey, sameOwner } from "../core/subject.ts";
import { ApiError, errorBody } from "../http/errors.ts";
import { errorResponses } from "../http/openapi/error-responses.ts";
import { subjectSecurity } from "../http/openapi/security.ts";
import { sessionIdParams } from "../http/route-params.ts";
import type { ApiEnv } from "../http/router.ts";
import { createApiRouter } from "../http/router.ts";
import { sseResponse } from "../http/sse-response.ts";
import type { EventLog } from "./event-log.ts";
import { pumpEvents } from "./event-stream.ts";
import type { EventTail } from "./event-tail.ts";
import { EVENT_TYPES, eventIdSchema, type LoggedEvent, publicEvent } from "./event-types.ts";

const FINAL_EVENTS = new Set<string>(FINAL_STATUSES.map((status) => `session.${status}`));

/** Where a reconnecting client resumes: the Last-Event-ID header (EventSource sends it), or `?lastEventId=` (the first connection). */
const resumeFrom = {
  query: z.object({
    lastEventId: z
      .string()
      .optional()
      .openapi({ description: "Resume after this event id (as Last-Event-ID)", example: "1763800000000-0" }),
  }),
  headers: z.object({
    "last-event-id": z
      .string()
      .optional()
      .openapi({ description: "Resume after this event id (EventSource sends it on reconnect)" }),
  }),
};

const eventStream = (description: string) => ({
  description: `${description}\n\nEvent names: ${EVENT_TYPES.join(", ")}.`,
  content: {
    "text/event-stream": {
      schema: z.string().openapi({
        description: "Server-Sent Events: `id`, `event` (the type) and `data` (JSON) per event; comments as heartbeats",
      }),
    },
  },
});
const expired = {
  410: "Events after this Last-Event-ID are gone (`events_expired`): read the current state and reconnect without it",
};

const sessionEventsRoute = createRoute({
  method: "get",
  path: "/browser-login/{id}/events",
  tags: ["Events"],
  summary: "A login session's events (SSE)",
  description:
    "From the session's start (or after Last-Event-ID); each event's data is the session as `GET /browser-login/{id}` gave it then. Ends after the final status.",
  security: subjectSecurity,
  request: { params: sessionIdParams, ...resumeFrom },
  responses: {
    200: eventStream("The session's events"),
    204: { description: "The session has ended and the client has its last event: stop reconnecting" },
    ...errorResponses([400, 401, 404, 410, 503], {
      404: "No such session for this subject (`session_not_found`)",
      ...expired,
    }),
  },
});

const subjectEventsRoute = createRoute({
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "Every event of the subject (SSE)",
  description:
    "Session and credential events of the caller's subject, from now (or after Last-Event-ID). Data: `{ id, type, timestamp, data }`, the webhook payload.",
  security: subjectSecurity,
  request: resumeFrom,
  responses: { 200: eventStream("The subject's events"), ...errorResponses([400, 401, 410, 503], expired) },
});

/**
 * Server-Sent Events, fed by the event log in Redis (any worker wrote it; any API process serves it).
 * A `Last-Event-ID` older than the retention window answers 410: events after it may be gone.
 */
export interface EventRouteDeps {
  /** The event log (SSE catch-up) and this process's tail of it (SSE live). */
  eventLog: EventLog;
  eventTail: EventTail;
  sessions: SessionStore;
  logger: Logger;
  /** How often an idle SSE stream sends a comment, so proxies and clients keep it open. */
  sseHeartbeatMs: number;
  /** Aborted when the API shuts down: streams end, and clients reconnect elsewhere with their Last-Event-ID. */
  draining?: AbortSignal;
}

export function eventRoutes(deps: EventRouteDeps) {
  const { eventLog, eventTail, sessions } = deps;
  const routes = createApiRouter();

  /** Redis lost mid-stream: the client hears why, in the error shape, and reconnects (with its Last-Event-ID) when it will. */
  const onStreamError = async (error: Error, sse: SSEStreamingApi) => {
    deps.logger.warn({ err: { message: error.message } }, "event stream stopped");
    await sse.writeSSE({
      event: "error",
      data: JSON.stringify(
        errorBody("storage_unavailable", "The event log is not reachable; reconnect with Last-Event-ID"),
      ),
    });
  };

  async function lastEventId(c: Context<ApiEnv>, stream: string): Promise<string | undefined> {
    const raw = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    if (raw === undefined || raw === "") return undefined;
    if (!eventIdSchema.safeParse(raw).success) throw new ApiError(400, "invalid_id", `${raw} is not a valid event id`);
    if (await eventLog.beyondRetention(raw, stream)) {
      const hours = Math.round((eventLog.retentionMs / 3_600_000) * 10) / 10;
      throw new ApiError(
        410,
        "events_expired",
        `Events after this id are gone (kept: ${hours} h, up to the stream's length limit); read the current state and reconnect without Last-Event-ID`,
      );
    }
    return raw;
  }

  routes.openapi(sessionEventsRoute, async (c) => {
    const { id: sessionId } = c.req.valid("param");
    const record = await sessions.get(sessionId);
    if (!record || !sameOwner(record.owner, c.get("subject")))
      throw new ApiError(404, "session_not_found", `No login session ${sessionId}`);
    const stream = eventLog.keys.ofSession(sessionId);
    const from = (await lastEventId(c, stream)) ?? "0";
    if (FINAL_STATUSES.includes(record.status) && (await eventLog.after(stream, from, 1)).length === 0) {
      // Nothing more will come: 204 tells an EventSource to stop reconnecting.
      if (from !== "0") return c.body(null, 204);
      // Its events aged out of the log: the final state, once.
      return sseResponse(
        c,
        (sse) => sse.writeSSE({ event: `session.${record.status}`, data: JSON.stringify(sessionView(record)) }),
        onStreamError,
      );
    }
    return sseResponse(
      c,
      (sse) =>
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
  });

  routes.openapi(subjectEventsRoute, async (c) => {
    const subject = c.get("subject");
    const owner = ownerKey(subject);
    const from = await lastEventId(c, eventLog.keys.ofOwner(subject));
    return sseResponse(
      c,
      (sse) =>
        pumpEvents(sse, {
          log: eventLog,
          tail: eventTail,
          stream: eventLog.keys.ofOwner(subject),
          filter: (event: LoggedEvent) => event.owner === owner,
          from,
          toMessage: (event) => ({
            id: event.id,
            event: event.type,
            data: JSON.stringify({ id: event.id, ...publicEvent(event) }),
          }),
          heartbeatMs: deps.sseHeartbeatMs,
          signal: deps.draining,
        }),
      onStreamError,
    );
  });

  return routes;
}
