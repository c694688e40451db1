import type { Redis } from "ioredis";
import { redisKeys } from "../../core/redis-keys.ts";
import { ownerKey } from "../../core/subject.ts";
import { defineSessionCommands } from "./session-commands.ts";
import { type SessionRecord, sessionRecordSchema } from "./session-record.ts";
import { holdsLease, type SessionStatus } from "./session-states.ts";

/**
 * Login sessions in Redis, the one source of truth shared by the API and every worker.
 * Every change goes through a Lua command (./commands) that enforces the state table of
 * session-states.ts: a status moves only where the table allows, and final states stick.
 * Each change is published on `<prefix>:session-events` ({ id, status } only) to wake waiters, and
 * logged, in the same script, in the event log's streams (src/events).
 *
 * A session is a hash with one field per record property, holding that property's JSON text:
 * Lua reads only `status` and `timeline`, so client metadata comes back exactly as it was sent.
 * Two sorted sets index live sessions: by expiry, and (held ones) by lease deadline, so the
 * reaper reads only what is due. Sorted sets of holders per subject and per connect link count
 * unfinished sessions against their limits, and per-subject fair queues decide which queued session
 * a free worker slot runs next; the same scripts keep them, so they cannot drift (docs/fairness.md).
 */
export interface SessionStore {
  readonly wakeupChannel: string;
  /**
   * Stores a new session, queued, and counts it against its subject (and connect link) until it
   * ends: refused, storing nothing, when one of them already holds its limit (docs/fairness.md).
   */
  create(record: SessionRecord, expiresAtMs: number, limits?: SessionLimits): Promise<CreateResult>;
  /**
   * A worker's free slot: the next session to run, fairly across subjects, moved to `starting` under
   * the worker's lease. `fallbackId` (the job's own session) is claimed when nothing is fairly queued
   * and it still waits. Undefined when nothing waits.
   */
  claimNext(workerId: string, leaseMs: number, fallbackId?: string): Promise<SessionRecord | undefined>;
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Sets the patch's fields; a `status` in it must be a move the state table allows from the current
   * status (otherwise "conflict"). Entering a status that holds a lease needs `lease`.
   */
  transition(id: string, patch: Partial<SessionRecord>, options?: TransitionOptions): Promise<TransitionResult>;
  /** The client asks for the capture now: allowed in the statuses the table marks `acceptsComplete`. */
  requestComplete(id: string): Promise<TransitionResult>;
  /** Keeps the worker's claim alive; returns the current record (undefined when gone). */
  renewLease(id: string, workerId: string, leaseMs: number): Promise<SessionRecord | undefined>;
  /** Moves a live session's expiry to `expiresAtMs` (a kept-alive browser); false when it is gone or final. */
  extend(id: string, expiresAtMs: number): Promise<boolean>;
  /** Ends sessions whose worker vanished or whose time ran out. `scanned`: index entries it read. */
  reap(nowMs?: number): Promise<ReapResult>;
  ping(): Promise<void>;
}

/** How many unfinished sessions (queued and running) one subject, and one connect link, may hold at once (absent or 0: no limit). */
export interface SessionLimits {
  perSubject?: number;
  /** The connect link the session is started through, and its own limit. */
  connectLink?: { id: string; limit: number };
}

export type LimitScope = "subject" | "connect_link";

export type CreateResult =
  | { ok: true }
  /** `retryAfterMs`: until the scope's earliest session expires (it may end sooner). */
  | { ok: false; scope: LimitScope; limit: number; retryAfterMs: number };

export interface TransitionOptions {
  /** Take (or refresh) the worker lease for this long. */
  lease?: { workerId: string; ms: number };
}

/** What a reap did; `endings`: how each session it ended ended (for metrics). */
export interface ReapResult {
  ended: number;
  scanned: number;
  endings: { providerId: string; status: SessionStatus; code: string }[];
}

export type TransitionResult =
  | { ok: true; record: SessionRecord }
  | { ok: false; reason: "missing" | "final" | "conflict"; status?: SessionStatus };

export interface SessionStoreOptions {
  prefix?: string;
  /** How long a finished session stays readable. */
  retentionSeconds: number;
  /** How far past its expiry a session may run before the reaper ends it (a worker expires its own first). */
  expiryGraceMs?: number;
  /** Index entries one reap script reads at most before handing back (it is called again while there are more). */
  reapBatch?: number;
  /** How long the event log keeps events (ms), and how many at most per stream (0: no count limit). */
  eventRetentionMs?: number;
  eventMaxLen?: number;
}

const REAPED_ERRORS = {
  leaseLost: {
    code: "worker_lost",
    message: "The worker running this session stopped unexpectedly; start a new login session",
  },
  expiredQueued: { code: "timeout", message: "No worker started the session before it expired" },
  expiredHeld: { code: "timeout", message: "The login was not finished before the session expired" },
};

/** Record fields as hash fields: each property's JSON text (undefined ones left out). */
function toFields(values: Partial<SessionRecord>): string[] {
  return Object.entries(values).flatMap(([field, value]) =>
    value === undefined ? [] : [field, JSON.stringify(value)],
  );
}

/** The one place a stored session becomes a record: from HGETALL's object or a script's flat array. */
function parseRecord(fields: Record<string, string> | string[] | null): SessionRecord | undefined {
  const entries = Array.isArray(fields) ? pairs(fields) : Object.entries(fields ?? {});
  if (entries.length === 0) return undefined;
  return sessionRecordSchema.parse(Object.fromEntries(entries.map(([field, json]) => [field, JSON.parse(json)])));
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function toResult(reply: unknown): TransitionResult {
  const [outcome, detail] = reply as [string, string[] | string | undefined];
  if (outcome === "ok") return { ok: true, record: parseRecord(detail as string[])! };
  return {
    ok: false,
    reason: outcome as "missing" | "final" | "conflict",
    status: detail as SessionStatus | undefined,
  };
}

export function createSessionStore(redis: Redis, options: SessionStoreOptions): SessionStore {
  const prefix = options.prefix ?? "blc";
  const keys = redisKeys(prefix);
  const {
    session: sessionKey,
    sessionsByExpiry: expiryIndex,
    sessionsByLease: leaseIndex,
    sessionWakeups: wakeupChannel,
  } = keys;
  const grace = options.expiryGraceMs ?? 30_000;
  const reapBatch = options.reapBatch ?? 500;
  const events = keys.events;
  const eventLimits = JSON.stringify({
    retentionMs: options.eventRetentionMs ?? 86_400_000,
    maxLen: options.eventMaxLen ?? 0,
  });
  const commands = defineSessionCommands(redis);

  return {
    wakeupChannel,
    async create(record, expiresAtMs, limits = {}) {
      const now = Date.now();
      const ttl = Math.ceil((expiresAtMs - now + grace) / 1000) + options.retentionSeconds;
      const owner = ownerKey(record.owner);
      // Which streams its events go to, kept with the session: the Lua that logs them cannot compute an owner key.
      const routing = { owner, streams: [events.ofOwner(record.owner), events.ofSession(record.id)] };
      // The subject's holder set comes first: the fair queue's score reads it.
      const holders = [
        { key: keys.holdersOfSubject(owner), limit: limits.perSubject ?? 0, scope: "subject" },
        ...(limits.connectLink
          ? [
              {
                key: keys.holdersOfConnectLink(limits.connectLink.id),
                limit: limits.connectLink.limit,
                scope: "connect_link",
              },
            ]
          : []),
      ];
      const holds = {
        owner,
        subjects: keys.fairSubjects,
        queue: keys.fairQueue(owner),
        holders,
        // Past the reaper's grace a holder surely ended: one whose end was never recorded stops counting then.
        deadline: expiresAtMs + grace,
        now,
      };
      const [outcome, scope, earliest, limit] = (await commands.createSession(
        sessionKey(record.id),
        expiryIndex,
        events.all,
        record.id,
        expiresAtMs,
        ttl,
        eventLimits,
        JSON.stringify(holds),
        ...toFields(record),
        "events",
        JSON.stringify(routing),
      )) as [string, LimitScope?, string?, number?];
      if (outcome === "taken") throw new Error(`Session ${record.id} already exists`);
      if (outcome === "full")
        return { ok: false, scope: scope!, limit: Number(limit), retryAfterMs: Number(earliest) - grace - now };
      return { ok: true };
    },
    async claimNext(workerId, leaseMs, fallbackId = "") {
      const now = Date.now();
      const reply = (await commands.claimNextSession(
        keys.fairSubjects,
        expiryIndex,
        leaseIndex,
        events.all,
        now,
        new Date(now).toISOString(),
        leaseMs,
        JSON.stringify(workerId),
        options.retentionSeconds,
        wakeupChannel,
        eventLimits,
        sessionKey(""),
        keys.fairQueue(""),
        keys.holdersOfSubject(""),
        fallbackId,
      )) as [string, string[]?];
      return reply[0] === "ok" ? parseRecord(reply[1]!) : undefined;
    },
    async get(id) {
      return parseRecord(await redis.hgetall(sessionKey(id)));
    },
    async transition(id, patch, opts = {}) {
      const { status, ...fields } = patch;
      if (status && holdsLease(status) && !opts.lease) throw new Error(`Entering ${status} needs a worker lease`);
      const now = Date.now();
      return toResult(
        await commands.transitionSession(
          sessionKey(id),
          expiryIndex,
          leaseIndex,
          events.all,
          id,
          status ?? "",
          now,
          new Date(now).toISOString(),
          opts.lease ? opts.lease.ms : "",
          options.retentionSeconds,
          wakeupChannel,
          eventLimits,
          ...toFields(fields),
        ),
      );
    },
    async requestComplete(id) {
      return toResult(await commands.requestComplete(sessionKey(id), id, new Date().toISOString(), wakeupChannel));
    },
    async renewLease(id, workerId, leaseMs) {
      const reply = await commands.renewLease(
        sessionKey(id),
        leaseIndex,
        id,
        JSON.stringify(workerId),
        Date.now() + leaseMs,
      );
      return parseRecord(reply as string[] | null);
    },
    async extend(id, expiresAtMs) {
      const ttl = Math.ceil((expiresAtMs - Date.now() + grace) / 1000) + options.retentionSeconds;
      const moved = await commands.extendSession(
        sessionKey(id),
        expiryIndex,
        id,
        expiresAtMs,
        new Date(expiresAtMs).toISOString(),
        ttl,
      );
      return moved === 1;
    },
    async reap(nowMs = Date.now()) {
      const total: ReapResult = { ended: 0, scanned: 0, endings: [] };
      let more = true;
      while (more) {
        const [ended, scanned, again, endings] = (await commands.reapSessions(
          expiryIndex,
          leaseIndex,
          events.all,
          nowMs,
          new Date(nowMs).toISOString(),
          grace,
          options.retentionSeconds,
          wakeupChannel,
          reapBatch,
          sessionKey(""),
          JSON.stringify(REAPED_ERRORS.leaseLost),
          JSON.stringify(REAPED_ERRORS.expiredQueued),
          JSON.stringify(REAPED_ERRORS.expiredHeld),
          eventLimits,
        )) as [number, number, number, string[]];
        total.ended += ended;
        total.scanned += scanned;
        for (let i = 0; i + 2 < endings.length; i += 3) {
          total.endings.push({
            providerId: JSON.parse(endings[i]!),
            status: endings[i + 1] as SessionStatus,
            code: endings[i + 2]!,
          });
        }
        more = again === 1;
      }
      return total;
    },
    async ping() {
      await redis.ping();
    },
  };
}
