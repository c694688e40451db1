import type { SessionRecord } from "./sessions/session-record.ts";

/** What the viewer page says about a session's status; undefined while the user still has work to do. */
export function viewerMessageFor(record: Pick<SessionRecord, "status" | "error">): string | undefined {
  switch (record.status) {
    case "authenticated":
    case "capturing":
    case "completed":
      return "You are logged in — you can close this tab.";
    case "expired":
      return `This login session expired before the login was finished.${record.error ? ` (${record.error.message})` : ""}`;
    case "cancelled":
      return "This login session was cancelled by the app that started it.";
    case "failed":
      return `This login session ended: ${record.error?.message ?? "it failed"}.`;
    default:
      return undefined;
  }
}
