--[[
  The event log's one write, shared by the session commands and the credential events command.
  An event is one entry of the stream of all events (its id, from Redis's clock, is the event's id)
  and the same entry, under the same id, in each narrower stream named (the owner's, the session's):
  ids only grow in the stream of all, so they grow in every narrower stream too.
  `limits` (JSON text): every stream keeps `retentionMs` of events (MINID from Redis's own clock) and,
  when `maxLen` > 0, about that many at most (XTRIM MAXLEN ~); a narrower stream whose events all
  aged out goes with its key (`ttls[i]` ms, or the retention when 0). Readers learn of trimmed
  entries from the stream's max-deleted-entry-id (event-log.ts).
  `fields`: a flat field/value list, values already text (JSON is never re-encoded here).
]]
local function appendEvent(allStream, streams, ttls, limitsJson, fields)
  local limits = cjson.decode(limitsJson)
  local retentionMs, maxLen = limits.retentionMs, limits.maxLen
  local t = redis.call('TIME')
  local minId = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) - retentionMs
  local id = redis.call('XADD', allStream, 'MINID', minId, '*', unpack(fields))
  if maxLen > 0 then redis.call('XTRIM', allStream, 'MAXLEN', '~', maxLen) end
  for i, stream in ipairs(streams) do
    redis.call('XADD', stream, 'MINID', minId, id, unpack(fields))
    if maxLen > 0 then redis.call('XTRIM', stream, 'MAXLEN', '~', maxLen) end
    local ttl = tonumber(ttls[i]) or 0
    if ttl <= 0 then ttl = retentionMs end
    redis.call('PEXPIRE', stream, ttl)
  end
  return id
end
