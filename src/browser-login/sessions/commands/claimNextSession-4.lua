--[[
  A worker has a free slot: claims the session to run next and moves it to `starting` under the
  worker's lease, in one step (a worker that dies right after still leaves a leased session, which
  the reaper ends as worker_lost). The next session is the oldest queued one of the subject that
  holds the fewest sessions already started (docs/fairness.md), so one subject's burst waits behind
  every other subject's first session. Entries of sessions that are no longer queued are dropped
  on the way. When nothing is queued fairly, `fallback` (the job's own session) is claimed if it
  still waits: sessions queued by an older version are not in the fair queues.
  KEYS: fair subjects, expiry index, lease index, stream of all events.
  ARGV: now (ms), now (ISO), lease (ms), worker id (JSON text), retention (s), events channel,
        event log limits (JSON text), session key prefix, fair queue key prefix, subject holders key prefix, fallback id ('' = none).
  Returns {'ok', fields} or {'none'}.
]]
local nowMs, nowIso, leaseMs, workerJson = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
local retention, channel, limits, sessionPrefix = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local queuePrefix, holdersPrefix, fallback = ARGV[9], ARGV[10], ARGV[11]

local function claim(id)
  local key = sessionPrefix .. id
  redis.call('HSET', key, 'workerId', workerJson)
  enter(key, id, 'starting', nowIso, KEYS[2], KEYS[3], retention)
  redis.call('ZADD', KEYS[3], nowMs + leaseMs, id)
  logSessionEvent(key, id, 'session.starting', KEYS[4], limits)
  announce(channel, id, 'starting')
  return {'ok', redis.call('HGETALL', key)}
end

-- Bounded, so that a queue full of stale entries costs one call at most this much; the next call goes on.
for _ = 1, 100 do
  local top = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #top == 0 then break end
  local owner = top[1]
  local queue, holders = queuePrefix .. owner, holdersPrefix .. owner
  local head = redis.call('ZRANGE', queue, 0, 0)
  if #head > 0 and statusOf(sessionPrefix .. head[1]) == 'queued' then return claim(head[1]) end
  -- Ended or gone without leaving the queue (a lost key, a session from before quotas): drop it.
  if #head > 0 then redis.call('ZREM', queue, head[1]) end
  rescoreSubject(KEYS[1], owner, queue, holders)
end

if fallback ~= '' and statusOf(sessionPrefix .. fallback) == 'queued' then return claim(fallback) end
return {'none'}
