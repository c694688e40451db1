import { z } from "zod";
import { subjectSchema } from "./subject.js";

export const SESSION_STATUSES = [
  "queued",
  "starting",
  "awaiting_login",
  "authenticated",
  "capturing",
  "completed",
  "failed",
  "expired",
  "cancelled",
] as const;

export const FINAL_STATUSES = ["completed", "failed", "expired", "cancelled"] as const;
/** Statuses in which a worker holds a browser for the session (and keeps a lease on it). */
export const HELD_STATUSES = ["starting", "awaiting_login", "authenticated", "capturing"] as const;

export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

export function isFinal(status: SessionStatus): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export const metadataSchema = z
  .record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 32, "at most 32 metadata entries");

export const sessionErrorSchema = z.object({ code: z.string(), message: z.string() });

/** A login session as kept in Redis. Nothing secret: no cookie, no storage, no key. */
export const sessionRecordSchema = z.object({
  id: z.string(),
  owner: subjectSchema,
  providerId: z.string(),
  loginUrl: z.string(),
  status: sessionStatusSchema,
  liveViewUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string(),
  /** When each status was entered (ISO time), for clients and benchmarks. */
  timeline: z.record(z.string(), z.string()).default({}),
  metadata: metadataSchema.default({}),
  credentialId: z.string().optional(),
  completeRequested: z.boolean().optional(),
  /** The last login attempt the site turned down (a failure URL): the session keeps waiting. */
  lastLoginRejection: z.object({ at: z.string(), count: z.number().int() }).optional(),
  /** The last request the session's browser was refused (egress policy), and how many so far. */
  lastBlockedRequest: z.object({ at: z.string(), host: z.string(), reason: z.string(), count: z.number().int() }).optional(),
  error: sessionErrorSchema.optional(),
  workerId: z.string().optional(),
});

export type SessionRecord = z.infer<typeof sessionRecordSchema>;
export type SessionError = z.infer<typeof sessionErrorSchema>;
