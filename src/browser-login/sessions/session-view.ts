import { z } from "zod";
import { metadataSchema, type SessionRecord, sessionRecordSchema } from "./session-record.ts";

/** What an event snapshot of a session holds: the record without the fields it never carries. */
export type SessionViewSource = Omit<
  SessionRecord,
  "owner" | "loginUrl" | "workerId" | "completeRequested" | "devToolsGeneration"
>;

const record = sessionRecordSchema.shape;

/** A session as clients see it: `GET /browser-login/:id`, its SSE events and webhook payloads. */
export const sessionViewSchema = z
  .object({
    sessionId: z.string().meta({ example: "ls_0123456789abcdef0123456789abcdef" }),
    providerId: record.providerId,
    status: record.status,
    liveViewUrl: record.liveViewUrl.describe(
      "Where the user logs in: the live view to show them (null until the browser is ready)",
    ),
    /** Added by the API for a self-hosted live view (src/live-view/): the watch-only link. */
    liveViewViewOnlyUrl: z.string().optional().describe("The self-hosted live view, watch only (no input)"),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: record.expiresAt.describe("When the session times out if the user has not logged in"),
    statusUrl: z.string(),
    metadata: metadataSchema.describe("The metadata given at start, as given"),
    timeline: z.record(z.string(), z.string()).describe("When each status was entered (ISO time)"),
    credentialId: record.credentialId.describe("The stored credential, once captured"),
    lastLoginRejection: record.lastLoginRejection.describe(
      "The last login attempt the site turned down: the session keeps waiting",
    ),
    suspect: z
      .literal(true)
      .optional()
      .describe("The capture gained nothing since the login page loaded: it may not hold a login"),
    suspectReason: record.suspectReason,
    lastBlockedRequest: record.lastBlockedRequest.describe(
      "The last request the session's browser was refused (egress policy)",
    ),
    error: record.error.describe("Why the session ended, when it did not complete"),
    keepAlive: record.keepAlive.describe(
      "A kept-alive browser (provider `keepAlive`, status `kept_alive`): open until `until` at most; `devTools`: drive it through `POST /browser-login/:id/devtools`; once ended, when and why",
    ),
  })
  .meta({ id: "LoginSession" });

export type SessionView = z.infer<typeof sessionViewSchema>;

export function sessionView(record: SessionViewSource): SessionView {
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
    ...(record.keepAlive ? { keepAlive: record.keepAlive } : {}),
  };
}
