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

-- Enters `status` (the caller checked STATES.moves): stamps the timeline; a final status leaves
-- both indexes and starts the retention countdown.
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
end

-- Record fields an event never carries: where the login started (a client's URL may hold anything),
-- who owns it (the stream it goes to says so), which worker holds it, and the event log's own field.
local UNLOGGED = {loginUrl = true, owner = true, workerId = true, completeRequested = true, events = true,
  devToolsGeneration = true}

-- Logs `eventType` for the session with a snapshot of its record (field JSON texts as stored), through
-- appendEvent (events/commands/includes/append-event.lua). Sessions stored before the event log only reach the stream of all.
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
      fields[#fields + 1] = record[i + 1]
    end
  end
  return appendEvent(allStream, streams, ttls, limits, fields)
end
