import { randomUUID } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { Queue } from "bullmq";
import { canonicalLocale, canonicalTimeZone } from "../core/locale.ts";
import type { Subject } from "../core/subject.ts";
import { localeSchema, timeZoneSchema } from "../credentials/device.ts";
import { ApiError } from "../http/errors.ts";
import { loginUrlRuleViolation } from "../providers/login-url-rule.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { LoginJobData } from "./login-queue.ts";
import type { LoginUrlPolicy } from "./login-url-policy.ts";
import { metadataSchema, type SessionRecord } from "./sessions/session-record.ts";
import type { CreateResult, SessionStore } from "./sessions/session-store.ts";
import type { SessionWakeups } from "./sessions/wakeups.ts";
import { waitForSession } from "./sessions/wakeups.ts";

export const startSchema = z
  .strictObject({
    providerId: z.string().min(1).max(64).openapi({ description: "A provider from GET /providers", example: "demo" }),
    metadata: metadataSchema
      .optional()
      .openapi({ description: "Your own values, returned on the session, its events and its credential" }),
    loginUrl: z.string().max(2048).optional().openapi({
      description: "Where the browser starts instead of the provider's login URL (when the deployment allows it)",
    }),
    locale: localeSchema.optional().openapi({
      description:
        "The person's language (BCP 47, e.g. their browser's navigator.language): the site sees it in navigator.language(s), Intl and Accept-Language. Default: the provider's, else the deployment's",
      example: "fr-FR",
    }),
    timeZone: timeZoneSchema.optional().openapi({
      description:
        "The person's time zone (IANA, e.g. their browser's Intl.DateTimeFormat().resolvedOptions().timeZone): the site sees it in Date and Intl. Default: the provider's, else the deployment's",
      example: "Europe/Paris",
    }),
  })
  .openapi("StartLogin");
export type StartRequest = z.infer<typeof startSchema>;

const WAITING_TO_START = new Set(["queued", "starting"]);

export interface LoginStarterDeps {
  sessions: SessionStore;
  wakeups: SessionWakeups;
  queue: Pick<Queue<LoginJobData>, "add">;
  providers: ProviderRegistry;
  loginUrlPolicy: LoginUrlPolicy;
  sessionTimeoutMs: number;
  /** Unfinished sessions one subject, and one connect link, may hold at once (MAX_SESSIONS_PER_SUBJECT, MAX_SESSIONS_PER_CONNECT_LINK). */
  limits: { perSubject: number; perConnectLink: number };
  /** Aborted when the API shuts down: requests waiting on a session answer with its current state at once. */
  draining?: AbortSignal;
}

/** Waits (at most `ms`) until the session satisfies `wanted`; undefined when it did not. */
export function sessionWaiter({
  sessions,
  wakeups,
  draining,
}: Pick<LoginStarterDeps, "sessions" | "wakeups" | "draining">) {
  return (id: string, wanted: (r: SessionRecord) => boolean, ms: number) =>
    waitForSession(
      wakeups,
      id,
      async () => {
        const record = await sessions.get(id);
        return record && wanted(record) ? record : undefined;
      },
      ms,
      undefined,
      draining,
    );
}

/**
 * What an app (with its API key) or the connect page (with its link) may do to a login session.
 *
 * Starts a browser login for a subject: the session record, then its job. Shared by
 * `POST /browser-login/start` (an app with an API key) and the connect page (a connect link).
 * Holds the answer up to `waitMs` for the login page to be on screen.
 */
export function createLoginStarter(deps: LoginStarterDeps) {
  const { sessions, queue, providers } = deps;
  const waitUntil = sessionWaiter(deps);
  /**
   * `renewal`: a re-login of this credential (POST /credentials/:id/relogin), seeded with it and replacing it in place.
   * `connectLinkId`: started on the connect page through this link, which has a limit of its own.
   */
  return async (
    owner: Subject,
    body: StartRequest,
    waitMs: number,
    renewal?: Pick<SessionRecord, "credentialId" | "renews">,
    via?: { connectLinkId: string },
  ): Promise<SessionRecord> => {
    const provider = providers.get(body.providerId);
    if (!provider)
      throw new ApiError(404, "provider_not_found", `No provider ${body.providerId}; GET /providers lists them`);
    if (provider.kind !== "browser_login")
      throw new ApiError(
        409,
        "wrong_provider_kind",
        `Provider ${provider.id} is an ${provider.kind} provider, not a browser login`,
      );
    const loginUrl = body.loginUrl ? await deps.loginUrlPolicy(body.loginUrl) : provider.loginUrl;
    const violation = body.loginUrl ? loginUrlRuleViolation(provider.success, loginUrl) : undefined;
    if (violation) {
      const advice =
        "Start at a page that shows the login form without matching the condition, or at the provider's own login URL";
      throw new ApiError(
        422,
        "login_url_matches_success",
        `This loginUrl cannot be used with provider ${provider.id}: ${violation}. ${advice}`,
      );
    }

    const now = Date.now();
    const expiresAtMs = now + (provider.timeoutMs ?? deps.sessionTimeoutMs);
    const record: SessionRecord = {
      id: `ls_${randomUUID().replaceAll("-", "")}`,
      owner,
      providerId: provider.id,
      loginUrl,
      status: "queued",
      liveViewUrl: null,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAtMs).toISOString(),
      timeline: { queued: new Date(now).toISOString() },
      metadata: body.metadata ?? {},
      ...(body.locale ? { locale: canonicalLocale(body.locale) } : {}),
      ...(body.timeZone ? { timeZone: canonicalTimeZone(body.timeZone) } : {}),
      // The worker's browser obeys the rules this URL was checked against, whatever the worker's own settings.
      ...(body.loginUrl ? { loginUrlPolicy: deps.loginUrlPolicy.rules } : {}),
      ...renewal,
    };
    const admitted = await sessions.create(record, expiresAtMs, {
      perSubject: deps.limits.perSubject,
      connectLink: via && { id: via.connectLinkId, limit: deps.limits.perConnectLink },
    });
    if (!admitted.ok) throw tooManySessions(admitted);
    try {
      await queue.add("login", { sessionId: record.id }, { jobId: record.id });
    } catch (error) {
      await sessions
        .transition(record.id, {
          status: "failed",
          error: { code: "enqueue_failed", message: "The session could not be queued" },
        })
        .catch(() => {});
      throw error;
    }
    return (
      (await waitUntil(record.id, (r) => !WAITING_TO_START.has(r.status), waitMs)) ??
      (await sessions.get(record.id)) ??
      record
    );
  };
}

/** The 429 of every way to start a login session, as the API reference describes it. */
export const TOO_MANY_SESSIONS =
  "This user (or connect link) already holds as many unfinished login sessions as allowed (`too_many_sessions`): finish or cancel one, or retry after the seconds its Retry-After header gives";

/** `429 too_many_sessions`, with a Retry-After of when the scope's earliest session expires (at most a minute: most end sooner). */
function tooManySessions(refusal: Extract<CreateResult, { ok: false }>): ApiError {
  const retryAfterSeconds = Math.min(60, Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
  const who = refusal.scope === "subject" ? "This user" : "This connect link";
  return new ApiError(
    429,
    "too_many_sessions",
    `${who} already has ${refusal.limit} login sessions under way, the most at once; finish or cancel one, or retry in ${retryAfterSeconds} s`,
    { scope: refusal.scope, limit: refusal.limit, retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/**
 * Cancels a session (idempotent for one already cancelled): a running one is stopped by its worker,
 * woken by the status change. `current` when it had already ended otherwise. Its job stays: jobs are
 * turns at a worker, not sessions (docs/fairness.md), and a turn with nothing to run ends at once.
 */
export async function cancelLoginSession(
  { sessions }: Pick<LoginStarterDeps, "sessions">,
  record: SessionRecord,
  message: string,
): Promise<{ ok: true; record: SessionRecord } | { ok: false; current: SessionRecord }> {
  if (record.status === "cancelled") return { ok: true, record };
  const result = await sessions.transition(record.id, { status: "cancelled", error: { code: "cancelled", message } });
  if (!result.ok) return { ok: false, current: (await sessions.get(record.id)) ?? record };
  return { ok: true, record: result.record };
}
