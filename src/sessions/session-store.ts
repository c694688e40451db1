import type { Redis } from "ioredis";
import { FINAL_STATUSES, HELD_STATUSES, sessionRecordSchema, type SessionRecord, type SessionStatus } from "./session-record.js";

/**
 * Login sessions in Redis, the one source of truth shared by the API and every worker.
 * Status changes go through one Lua script so that they are atomic and final states stick:
 * once a session is completed, failed, expired or cancelled, nothing moves it again.
 * Each change is published on `<prefix>:session-events` ({ id, status } only) to wake waiters.
 */
export interface SessionStore {
  readonly eventsChannel: string;
  create(record: SessionRecord, expiresAtMs: number): Promise<void>;
  get(id: string): Promise<SessionRecord | undefined>;
  transition(id: string, patch: Partial<SessionRecord>, options?: TransitionOptions): Promise<TransitionResult>;
  /** Keeps the worker's claim alive; returns the current record (undefined when gone). */
  renewLease(id: string, workerId: string, leaseMs: number): Promise<SessionRecord | undefined>;
  /** Ends sessions whose worker vanished or whose time ran out; returns how many it ended. */
  reap(nowMs?: number): Promise<number>;
  ping(): Promise<void>;
}

export interface TransitionOptions {
  /** Only move from these statuses. */
  from?: readonly SessionStatus[];
  /** Take (or refresh) the worker lease for this long. */
  lease?: { workerId: string; ms: number };
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
}

const FINAL_LUA = `{${FINAL_STATUSES.map((s) => `${s}=true`).join(",")}}`;
const HELD_LUA = `{${HELD_STATUSES.map((s) => `${s}=true`).join(",")}}`;

// KEYS: session, lease, active. ARGV: patch, allowed-from, now ISO, lease ms, worker id, retention s, channel.
const TRANSITION = `
local raw = redis.call('GET', KEYS[1])
if not raw then return {'missing'} end
local s = cjson.decode(raw)
local final = ${FINAL_LUA}
if final[s.status] then return {'final', s.status} end
if ARGV[2] ~= '' then
  local allowed = false
  for st in string.gmatch(ARGV[2], '[^,]+') do if st == s.status then allowed = true end end
  if not allowed then return {'conflict', s.status} end
end
local before = s.status
for k, v in pairs(cjson.decode(ARGV[1])) do s[k] = v end
s.updatedAt = ARGV[3]
if s.status ~= before then
  if type(s.timeline) ~= 'table' then s.timeline = {} end
  s.timeline[s.status] = ARGV[3]
end
local encoded = cjson.encode(s)
if final[s.status] then
  redis.call('SET', KEYS[1], encoded, 'EX', ARGV[6])
  redis.call('DEL', KEYS[2])
  redis.call('ZREM', KEYS[3], s.id)
else
  redis.call('SET', KEYS[1], encoded, 'KEEPTTL')
  if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[4]) end
end
redis.call('PUBLISH', ARGV[7], cjson.encode({id = s.id, status = s.status}))
return {'ok', encoded}
`;

// KEYS: session, lease. ARGV: lease ms, worker id.
const RENEW = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local s = cjson.decode(raw)
if not (${FINAL_LUA})[s.status] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1]) end
return raw
`;

// KEYS: session, lease, active. ARGV: now ms, now ISO, grace ms, retention s, channel, id.
const REAP = `
local raw = redis.call('GET', KEYS[1])
if not raw then redis.call('ZREM', KEYS[3], ARGV[6]) return 0 end
local s = cjson.decode(raw)
if (${FINAL_LUA})[s.status] then redis.call('ZREM', KEYS[3], ARGV[6]) return 0 end
local expiresMs = tonumber(redis.call('ZSCORE', KEYS[3], ARGV[6]) or '0')
local overdue = tonumber(ARGV[1]) > expiresMs + tonumber(ARGV[3])
local err
if s.status == 'queued' and overdue then
  s.status = 'expired'
  err = {code = 'timeout', message = 'No worker started the session before it expired'}
elseif (${HELD_LUA})[s.status] and redis.call('EXISTS', KEYS[2]) == 0 then
  s.status = 'failed'
  err = {code = 'worker_lost', message = 'The worker running this session stopped unexpectedly; start a new login session'}
elseif (${HELD_LUA})[s.status] and overdue then
  s.status = 'expired'
  err = {code = 'timeout', message = 'The login was not finished before the session expired'}
else
  return 0
end
s.error = err
s.updatedAt = ARGV[2]
if type(s.timeline) ~= 'table' then s.timeline = {} end
s.timeline[s.status] = ARGV[2]
redis.call('SET', KEYS[1], cjson.encode(s), 'EX', ARGV[4])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[6])
redis.call('PUBLISH', ARGV[5], cjson.encode({id = s.id, status = s.status}))
return 1
`;

export function createSessionStore(redis: Redis, options: SessionStoreOptions): SessionStore {
  const prefix = options.prefix ?? "blc";
  const sessionKey = (id: string) => `${prefix}:session:${id}`;
  const leaseKey = (id: string) => `${prefix}:session:${id}:lease`;
  const activeKey = `${prefix}:sessions:active`;
  const eventsChannel = `${prefix}:session-events`;
  const grace = options.expiryGraceMs ?? 30_000;

  const parse = (raw: string | null) => (raw ? sessionRecordSchema.parse(JSON.parse(raw)) : undefined);

  return {
    eventsChannel,
    async create(record, expiresAtMs) {
      const ttl = Math.ceil((expiresAtMs - Date.now() + grace) / 1000) + options.retentionSeconds;
      const [[setError, created]] = (await redis
        .multi()
        .set(sessionKey(record.id), JSON.stringify(record), "EX", ttl, "NX")
        .zadd(activeKey, expiresAtMs, record.id)
        .exec()) as [[Error | null, string | null], unknown];
      if (setError) throw setError;
      if (created !== "OK") throw new Error(`Session ${record.id} already exists`);
    },
    async get(id) {
      return parse(await redis.get(sessionKey(id)));
    },
    async transition(id, patch, opts = {}) {
      const result = (await redis.eval(
        TRANSITION,
        3,
        sessionKey(id),
        leaseKey(id),
        activeKey,
        JSON.stringify(patch),
        (opts.from ?? []).join(","),
        new Date().toISOString(),
        opts.lease ? String(opts.lease.ms) : "",
        opts.lease?.workerId ?? "",
        String(options.retentionSeconds),
        eventsChannel,
      )) as [string, string?];
      const [outcome, detail] = result;
      if (outcome === "ok") return { ok: true, record: parse(detail!)! };
      return { ok: false, reason: outcome as "missing" | "final" | "conflict", status: detail as SessionStatus | undefined };
    },
    async renewLease(id, workerId, leaseMs) {
      return parse((await redis.eval(RENEW, 2, sessionKey(id), leaseKey(id), String(leaseMs), workerId)) as string | null);
    },
    async reap(nowMs = Date.now()) {
      const ids = await redis.zrange(activeKey, "0", "-1");
      let ended = 0;
      for (const id of ids) {
        ended += (await redis.eval(
          REAP,
          3,
          sessionKey(id),
          leaseKey(id),
          activeKey,
          String(nowMs),
          new Date(nowMs).toISOString(),
          String(grace),
          String(options.retentionSeconds),
          eventsChannel,
          id,
        )) as number;
      }
      return ended;
    },
    async ping() {
      await redis.ping();
    },
  };
}
