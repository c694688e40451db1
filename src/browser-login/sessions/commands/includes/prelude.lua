--[[
  Prepended to every session command, after STATES: the table from session-states.ts
  (STATES.moves[from][to], STATES.final[s], STATES.leased[s], STATES.complete[s]).
  A session is a hash of its record's fields, each holding that field's JSON text. Lua decodes only
  `status` and `timeline` (plain strings): client metadata and everything else pass through untouched.
]]

-- The session's status, or nil when the session is gone. A record in another shape (a string
-- written by an older version) counts as gone, so that it cannot stop the reaper for everyone.
local function statusOf(sessionKey)
  local raw = redis.pcall('HGET', sessionKey, 'status')
  if type(raw) == 'string' then return cjson.decode(raw) end
  return nil
end

-- Wakes waiters. The event names the session and its status, nothing else.
local function announce(channel, id, status)
  redis.call('PUBLISH', channel, cjson.encode({id = id, status = status}))
end

-- Quotas and fair queueing (docs/fairness.md). A session is a holder, counted in its subject's
-- holder set (and its connect link's) from creation to its final status, with its deadline (expiry
-- plus the reaper's grace) as score: a holder whose end was never recorded (a crash, a lost key)
-- drops out once its deadline has passed, so nobody is locked out for longer than a session lasts.
-- While queued it is also in its subject's fair queue; workers take the next session from the
-- subject that holds the fewest, oldest arrival first (claimNextSession).

-- 2^41 ms is 70 years: a subject's score is (sessions it holds beyond the queued ones) * 2^41 + its
-- oldest queued arrival (ms), exact in a double while it holds fewer than 4096.
local LOAD_UNIT = 2199023255552

local function nowMillis()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function pruneHolders(holdersKey, now)
  redis.call('ZREMRANGEBYSCORE', holdersKey, '-inf', '(' .. now)
end

-- Puts the subject where it belongs among those waiting, or takes it out when nothing of it waits.
local function rescoreSubject(subjectsKey, owner, queueKey, holdersKey)
  local head = redis.call('ZRANGE', queueKey, 0, 0, 'WITHSCORES')
  if #head == 0 then
    redis.call('ZREM', subjectsKey, owner)
    return
  end
  pruneHolders(holdersKey, nowMillis())
  local held = redis.call('ZCARD', holdersKey) - redis.call('ZCARD', queueKey)
  if held < 0 then held = 0 end
  redis.call('ZADD', subjectsKey, held * LOAD_UNIT + tonumber(head[2]), owner)
end

-- The session left `queued` (it no longer waits) or ended (it no longer holds anything). Sessions
-- stored before quotas have no `holds` field and hold nothing.
local function releaseHolds(sessionKey, id, status)
  local raw = redis.call('HGET', sessionKey, 'holds')
  if not raw then return end
  local holds = cjson.decode(raw)
  local changed = false
  if status ~= 'queued' and redis.call('ZREM', holds.queue, id) == 1 then changed = true end
  if STATES.final[status] then
    for _, key in ipairs(holds.holders) do
      if redis.call('ZREM', key, id) == 1 then changed = true end
    end
  end
  if changed then rescoreSubject(holds.subjects, holds.owner, holds.queue, holds.holders[1]) end
end

-- Enters `status` (the caller checked STATES.moves): stamps the timeline; a final status leaves
-- both indexes and starts the retention countdown; leaving `queued` or ending releases its holds.
local function enter(sessionKey, id, status, nowIso, expiryIndex, leaseIndex, retentionSeconds)
  local timeline = cjson.decode(redis.call('HGET', sessionKey, 'timeline') or '{}')
  timeline[status] = nowIso
  redis.call('HSET', sessionKey, 'status', cjson.encode(status), 'timeline', cjson.encode(timeline),
    'updatedAt', cjson.encode(nowIso))
  if STATES.final[status] then
    redis.call('EXPIRE', sessionKey, retentionSeconds)
    redis.call('ZREM', expiryIndex, id)
    redis.call('ZREM', leaseIndex, id)
  end
  releaseHolds(sessionKey, id, status)
end

-- Record fields an event never carries: where the login started (a client's URL may hold anything),
-- who owns it (the stream it goes to says so), which worker holds it and at what address, the event log's
-- and the quota's own fields, the operator's client login URL rules, and the DevTools link's generation.
local UNLOGGED = {
  loginUrl = true, owner = true, workerId = true, liveViewAddress = true, completeRequested = true, events = true,
  holds = true, loginUrlPolicy = true, devToolsGeneration = true,
}
-- Fields an event carries as null: a remote browser's live view (Browserbase's) is a remote-control link,
-- which must not outlive a revoke in webhooks, SSE streams and the event log; `GET /browser-login/:id` has it.
local BLANKED = {liveViewUrl = 'null'}

-- Logs `eventType` for the session with a snapshot of its record (field JSON texts as stored), through
-- appendEvent (core/event-log.lua). Sessions stored before the event log only reach the stream of all.
local function logSessionEvent(sessionKey, id, eventType, allStream, limits)
  local routing = redis.call('HGET', sessionKey, 'events')
  local owner, streams, ttls = '', {}, {}
  if routing then
    routing = cjson.decode(routing)
    owner, streams = routing.owner, routing.streams
    local sessionTtl = redis.call('PTTL', sessionKey)
    ttls = {0, sessionTtl > 0 and sessionTtl or 0}
  end
  local fields = {'type', eventType, 'session', id, 'owner', owner}
  local record = redis.call('HGETALL', sessionKey)
  for i = 1, #record, 2 do
    if not UNLOGGED[record[i]] then
      fields[#fields + 1] = 'r.' .. record[i]
      fields[#fields + 1] = BLANKED[record[i]] or record[i + 1]
    end
  end
  return appendEvent(allStream, streams, ttls, limits, fields)
end
