import type { Metrics } from "../metrics/metrics.ts";
import { isFinal, type SessionRecord, type SessionStatus } from "./sessions/session-record.ts";
import type { SessionStore } from "./sessions/session-store.ts";

/**
 * Counts every status a session enters through this process's store, whoever moves it (the API on
 * create and cancel, the worker along the login, either one's reaper), the sessions refused by a
 * limit, and times the steps from the session's timeline. Each change happens once, in one process, so the processes' counters add up.
 */
export function instrumentSessionStore(store: SessionStore, metrics: Metrics): SessionStore {
  /** A final status's reason code: "ok" for completed (how a kept-alive browser ended), the error's code otherwise. */
  const ending = (status: SessionStatus, code: string | undefined, kept?: SessionRecord["keepAlive"]) =>
    isFinal(status) ? { code: status === "completed" ? (kept?.endReason ?? "ok") : (code ?? "unknown") } : undefined;

  function observe(record: SessionRecord) {
    metrics.sessionEntered(
      record.providerId,
      record.status,
      ending(record.status, record.error?.code, record.keepAlive),
    );
    const provider = { provider: record.providerId };
    const at = (status: string) => (record.timeline[status] ? Date.parse(record.timeline[status]) : undefined);
    // Times are stamped by different processes (API creates, worker moves on): a skewed clock gives 0, not a negative.
    const seconds = (from: number | undefined, to: number | undefined) => Math.max(0, (to! - from!) / 1000);
    if (record.status === "awaiting_login")
      metrics.loginPageSeconds.observe(provider, seconds(Date.parse(record.createdAt), at("awaiting_login")));
    if (record.status === "authenticated" && at("awaiting_login"))
      metrics.authenticatedSeconds.observe(provider, seconds(at("awaiting_login"), at("authenticated")));
    // A kept-alive browser's capture ended when it was kept alive, not when the browser closed.
    if (
      (record.status === "completed" || record.status === "kept_alive") &&
      at("capturing") &&
      record.keepAlive?.endedAt === undefined
    )
      metrics.captureSeconds.observe(provider, seconds(at("capturing"), at(record.status)));
  }

  return {
    ...store,
    async create(record, expiresAtMs, limits) {
      const result = await store.create(record, expiresAtMs, limits);
      if (result.ok) metrics.sessionEntered(record.providerId, record.status);
      else metrics.sessionsRefused.inc({ reason: `${result.scope}_limit` });
      return result;
    },
    async claimNext(workerId, leaseMs, fallbackId) {
      const record = await store.claimNext(workerId, leaseMs, fallbackId);
      if (record) observe(record);
      return record;
    },
    async transition(id, patch, options) {
      const result = await store.transition(id, patch, options);
      if (result.ok && patch.status) observe(result.record);
      return result;
    },
    async reap(nowMs) {
      const result = await store.reap(nowMs);
      for (const { providerId, status, code } of result.endings)
        metrics.sessionEntered(providerId, status, ending(status, code));
      return result;
    },
  };
}
