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
