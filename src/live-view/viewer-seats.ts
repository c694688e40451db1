import type { ViewMode } from "./live-view-token.ts";

/** A viewer's place among a session's viewers; `leave` frees it (safe to call twice). */
export interface ViewerSeat {
  leave(): void;
}

/**
 * At most `max` viewers per session, and the person who logs in is never locked out by watchers: when
 * the seats are full, a controlling viewer takes the place of the latest view-only one, which is told
 * why (`displace`). Kept by the API (any number of sockets could otherwise wait on a queued session)
 * and by the worker (several APIs may relay the same session).
 */
export function createViewerSeats(max: number) {
  const sessions = new Map<string, { mode: ViewMode; displace(): void }[]>();

  return {
    /** A seat, or undefined when the session has `max` viewers and none this one may displace. */
    take(sessionId: string, mode: ViewMode, displace: () => void): ViewerSeat | undefined {
      const seated = sessions.get(sessionId) ?? [];
      if (seated.length >= max) {
        const watcher = mode === "control" ? seated.findLast((s) => s.mode === "view") : undefined;
        if (!watcher) return undefined;
        seated.splice(seated.indexOf(watcher), 1);
        watcher.displace();
      }
      const seat = { mode, displace };
      seated.push(seat);
      sessions.set(sessionId, seated);
      return {
        leave() {
          const at = seated.indexOf(seat);
          if (at >= 0) seated.splice(at, 1);
          if (seated.length === 0 && sessions.get(sessionId) === seated) sessions.delete(sessionId);
        },
      };
    },
    /** Viewers seated for a session now. */
    count: (sessionId: string) => sessions.get(sessionId)?.length ?? 0,
  };
}
