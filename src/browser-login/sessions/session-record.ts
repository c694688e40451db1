import { z } from "zod";
import { clientMetadataSchema } from "../../core/client-metadata.ts";
import { subjectSchema } from "../../core/subject.ts";
import { SESSION_STATUSES } from "./session-states.ts";

/** Statuses and their allowed moves live in session-states.ts; re-exported for the record's readers. */
export { isFinal, type SessionStatus } from "./session-states.ts";

export const sessionStatusSchema = z.enum(SESSION_STATUSES);

/** The app's own values, given at start. */
export const metadataSchema = clientMetadataSchema;

export const sessionErrorSchema = z.object({ code: z.string(), message: z.string() });

/**
 * The rules a client's own login URL was checked against at the API (CLIENT_LOGIN_URL_HOSTS,
 * ALLOW_PRIVATE_LOGIN_URLS, ALLOW_PRIVATE_LOGIN_URL_HOSTS), carried with the session so that the
 * worker's browser obeys the same ones whatever the worker's own settings (docs/egress.md).
 */
export const loginUrlRulesSchema = z.object({
  /** Hosts whose state is captured when the provider names no origins. */
  allowedHosts: z.array(z.string()),
  /** True: the browser may reach private addresses (no egress proxy). */
  allowPrivateAddresses: z.boolean(),
  /** `host:port` pairs the browser may reach on private addresses anyway. */
  privateAllowedFor: z.array(z.string()),
});
export type LoginUrlRules = z.infer<typeof loginUrlRulesSchema>;

/** How a kept-alive browser ended: the app's `complete`, its maximum time, or the site logging it out. */
export const KEEP_ALIVE_ENDINGS = ["ended_by_app", "max_time", "logged_out"] as const;

export const keepAliveSchema = z.object({
  until: z.string(),
  devTools: z.boolean(),
  endedAt: z.string().optional(),
  endReason: z.enum(KEEP_ALIVE_ENDINGS).optional(),
});

/** A login session as kept in Redis. Nothing secret: no cookie, no storage, no key. */
export const sessionRecordSchema = z.object({
  id: z.string(),
  owner: subjectSchema,
  providerId: z.string(),
  loginUrl: z.string(),
  /** Set when `loginUrl` is the client's own (not the provider's): the rules the worker's browser obeys. */
  loginUrlPolicy: loginUrlRulesSchema.optional(),
  status: sessionStatusSchema,
  liveViewUrl: z.string().nullable(),
  /** The worker's internal live-view address (src/live-view/): the API relays viewers there. Not for users. */
  liveViewAddress: z.string().optional(),
  /** Raised by each revoke: viewer links are signed over it, so older links stop working. */
  liveViewGeneration: z.number().int().min(0).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
  /** When each status was entered (ISO time), for clients and benchmarks. */
  timeline: z.record(z.string(), z.string()).default({}),
  metadata: metadataSchema.default({}),
  credentialId: z.string().optional(),
  /**
   * A re-login (POST /credentials/:id/relogin): the browser starts with `credentialId`'s state, and the
   * capture replaces it in place, only while it is still at `version`. Who asked, for the audit of the seed's decrypt.
   */
  renews: z
    .object({ version: z.number().int().min(1), apiKeyId: z.string().optional(), requestId: z.string().optional() })
    .optional(),
  /** The person's locale and time zone, when the app or the connect page gave them: the browser shows them. */
  locale: z.string().optional(),
  timeZone: z.string().optional(),
  completeRequested: z.boolean().optional(),
  /** The last login attempt the site turned down (a failure URL): the session keeps waiting. */
  lastLoginRejection: z.object({ at: z.string(), count: z.number().int() }).optional(),
  /** The capture gained no cookie or storage value since the login page loaded: the credential may not hold a login. */
  suspect: z.boolean().optional(),
  suspectReason: z.string().optional(),
  /** The last request the session's browser was refused (egress policy), and how many so far. */
  lastBlockedRequest: z
    .object({ at: z.string(), host: z.string(), reason: z.string(), count: z.number().int() })
    .optional(),
  error: sessionErrorSchema.optional(),
  workerId: z.string().optional(),
  /**
   * A kept-alive browser (provider `keepAlive`): until when at most, whether apps can drive it over
   * DevTools through the API, and once it ended, when and why.
   */
  keepAlive: keepAliveSchema.optional(),
  /** Raised by each DevTools revoke: DevTools links are signed over it, so older ones stop working. */
  devToolsGeneration: z.number().int().min(0).optional(),
});

export type SessionRecord = z.infer<typeof sessionRecordSchema>;
export type SessionError = z.infer<typeof sessionErrorSchema>;
