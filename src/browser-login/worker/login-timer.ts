import type { SessionRecord, SessionStatus } from "../sessions/session-record.ts";
import type { StopReason } from "./run-control.ts";

/**
 * Expires the session when its time runs out (`remainingMs` from now), saying whether the browser
 * was still starting or the person did not finish, and how long the session was allowed.
 */
export function startLoginTimer(
  record: SessionRecord,
  remainingMs: number,
  { phase, stop }: { phase: () => SessionStatus | "idle"; stop: (reason: StopReason) => void },
): NodeJS.Timeout {
  const allowed = formatDuration(Date.parse(record.expiresAt) - Date.parse(record.createdAt));
  return setTimeout(() => {
    const message =
      phase() === "starting"
        ? `The browser was not ready before the session expired (${allowed})`
        : `The login was not finished within ${allowed}`;
    stop({ status: "expired", error: { code: "timeout", message } });
  }, remainingMs);
}

function formatDuration(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} seconds`;
  return `${Math.round(ms / 60_000)} minutes`;
}
