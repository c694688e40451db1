import { ownerKey, type Subject } from "../sessions/subject.ts";

/**
 * Where the event log lives: one stream of every event (webhooks read it), and the same entries,
 * under the same ids, in a stream per owner (`GET /events`) and per session (`GET /browser-login/:id/events`).
 */
export function eventKeys(prefix: string) {
  return {
    all: `${prefix}:events`,
    ofOwner: (owner: Subject) => `${prefix}:events-of:${ownerKey(owner)}`,
    ofSession: (sessionId: string) => `${prefix}:session-events:${sessionId}`,
  };
}

export type EventKeys = ReturnType<typeof eventKeys>;
