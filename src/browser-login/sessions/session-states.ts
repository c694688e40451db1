/**
 * The session state machine, written once. The TypeScript types, the zod schema and the store's Lua
 * commands all derive from this table; the store refuses any status change it does not list.
 */
export const SESSION_STATUSES = [
  "queued",
  "starting",
  "awaiting_login",
  "authenticated",
  "capturing",
  "kept_alive",
  "completed",
  "failed",
  "expired",
  "cancelled",
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

interface StateRule {
  /** Where a session may go from here; a status with nowhere to go is final. */
  next: readonly SessionStatus[];
  /** A worker holds a browser for the session and keeps a lease on it (lapsed lease: worker_lost). */
  holdsLease?: true;
  /** The client may ask for the capture now (providers with captureOn "complete"). */
  acceptsComplete?: true;
}

/** Every live session can fail, run out of time, or be cancelled by its client. */
const ENDINGS = ["failed", "expired", "cancelled"] as const;

export const SESSION_STATES: Readonly<Record<SessionStatus, StateRule>> = {
  queued: { next: ["starting", ...ENDINGS] },
  starting: { holdsLease: true, next: ["awaiting_login", ...ENDINGS] },
  awaiting_login: { holdsLease: true, next: ["authenticated", ...ENDINGS] },
  authenticated: { holdsLease: true, acceptsComplete: true, next: ["capturing", ...ENDINGS] },
  capturing: { holdsLease: true, acceptsComplete: true, next: ["completed", "kept_alive", ...ENDINGS] },
  /**
   * Captured, and the logged-in browser is kept open (a provider's `keepAlive`): the credential exists,
   * the app may drive the browser. `complete` ends it (completed), as do its maximum time and a logout.
   */
  kept_alive: { holdsLease: true, acceptsComplete: true, next: ["completed", ...ENDINGS] },
  completed: { next: [] },
  failed: { next: [] },
  expired: { next: [] },
  cancelled: { next: [] },
};

const statusesWhere = (rule: (r: StateRule) => boolean) => SESSION_STATUSES.filter((s) => rule(SESSION_STATES[s]));

export const FINAL_STATUSES = statusesWhere((r) => r.next.length === 0);
export const LEASED_STATUSES = statusesWhere((r) => r.holdsLease === true);
export const COMPLETE_STATUSES = statusesWhere((r) => r.acceptsComplete === true);

export function isFinal(status: SessionStatus): boolean {
  return SESSION_STATES[status].next.length === 0;
}

export function canMove(from: SessionStatus, to: SessionStatus): boolean {
  return SESSION_STATES[from].next.includes(to);
}

export function holdsLease(status: SessionStatus): boolean {
  return SESSION_STATES[status].holdsLease === true;
}

/** The table as the Lua commands read it: sets keyed by status (`moves[from][to]`, `final[s]`, ...). */
export function stateTableForLua(): string {
  const set = (statuses: readonly string[]) => Object.fromEntries(statuses.map((s) => [s, true]));
  return JSON.stringify({
    moves: Object.fromEntries(SESSION_STATUSES.map((s) => [s, set(SESSION_STATES[s].next)])),
    final: set(FINAL_STATUSES),
    leased: set(LEASED_STATUSES),
    complete: set(COMPLETE_STATUSES),
  });
}

export function acceptsComplete(status: SessionStatus): boolean {
  return SESSION_STATES[status].acceptsComplete === true;
}
