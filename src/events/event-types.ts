import { z } from "zod";
import { SESSION_STATUSES } from "../browser-login/sessions/session-states.ts";
import { CREDENTIAL_EVENT_TYPES } from "../credentials/credential-events.ts";

/**
 * Every event name. A session event per status it enters (the state table's statuses), two for
 * changes within a status, and the credential events (credentials/credential-events.ts).
 */
export const SESSION_EVENT_TYPES = [
  ...SESSION_STATUSES.map((status) => `session.${status}` as const),
  "session.live_view_changed",
  "session.login_rejected",
] as const;

export const EVENT_TYPES = [...SESSION_EVENT_TYPES, ...CREDENTIAL_EVENT_TYPES] as const;

export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

/**
 * One logged event as readers get it. `id` is its stream id (`<ms>-<seq>`): the SSE event id, the
 * webhook-id, and the place to resume from. `data` holds ids, statuses and metadata, never a secret:
 * for a session, the body `GET /browser-login/:id` answers at that moment; for a credential, its
 * public metadata.
 */
export interface LoggedEvent {
  id: string;
  type: EventType;
  /** When it was logged (from the id). */
  timestamp: string;
  /** The owner's key (sessions/subject.ts ownerKey): who may read it. */
  owner: string;
  sessionId?: string;
  credentialId?: string;
  data: Record<string, unknown>;
}

/** The public form (SSE on /events, webhook payloads): the Standard Webhooks payload shape. */
export function publicEvent(event: LoggedEvent) {
  return { type: event.type, timestamp: event.timestamp, data: event.data };
}

/** Stream ids in order: `<ms>-<seq>`, both parts compared as numbers. */
export function compareEventIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split("-").map(BigInt);
  const [bm = 0n, bs = 0n] = b.split("-").map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

export const eventIdSchema = z.string().regex(/^\d{1,15}-\d{1,15}$/, "not an event id");
