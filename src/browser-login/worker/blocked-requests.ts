import type { Logger } from "pino";
import type { BlockedRequest } from "../../network/egress-proxy.ts";
import type { SessionStore } from "../sessions/session-store.ts";

/**
 * Records the requests the egress proxy refused on the session (`lastBlockedRequest`); one write at
 * a time, the latest count wins, however fast a page retries.
 */
export function recordBlockedRequests({
  sessions,
  sessionId,
  logger,
}: {
  sessions: SessionStore;
  sessionId: string;
  logger: Logger;
}) {
  let count = 0;
  let latest: BlockedRequest | undefined;
  let writing = false;
  const write = (): void => {
    if (writing || !latest) return;
    const { host, reason } = latest;
    latest = undefined;
    writing = true;
    logger.info({ host, reason, count }, "request blocked");
    void sessions
      .transition(sessionId, { lastBlockedRequest: { at: new Date().toISOString(), host, reason, count } })
      .catch(() => {})
      .finally(() => {
        writing = false;
        write();
      });
  };
  return (blocked: BlockedRequest) => {
    count += 1;
    latest = blocked;
    write();
  };
}
