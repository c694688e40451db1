import type { SessionRecord } from "./session-record.js";

/** What an event snapshot of a session holds: the record without the fields it never carries. */
export type SessionViewSource = Omit<SessionRecord, "owner" | "loginUrl" | "workerId" | "completeRequested">;

/** A session as clients see it: `GET /browser-login/:id`, its SSE events and webhook payloads. */
export function sessionView(record: SessionViewSource) {
  return {
    sessionId: record.id,
    providerId: record.providerId,
    status: record.status,
    liveViewUrl: record.liveViewUrl,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt,
    statusUrl: `/browser-login/${record.id}`,
    metadata: record.metadata,
    timeline: record.timeline,
    ...(record.credentialId ? { credentialId: record.credentialId } : {}),
    ...(record.lastLoginRejection ? { lastLoginRejection: record.lastLoginRejection } : {}),
    ...(record.suspect ? { suspect: true, suspectReason: record.suspectReason } : {}),
    ...(record.lastBlockedRequest ? { lastBlockedRequest: record.lastBlockedRequest } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}
