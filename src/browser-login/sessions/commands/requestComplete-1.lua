--[[
  Records that the client asked for the capture, in the statuses where STATES.complete allows it;
  the worker holding the session is woken by the event.
  KEYS: session.
  ARGV: id, now (ISO), events channel.
  Returns {'ok', fields} or {'missing'} or {'final' | 'conflict', current status}.
]]
local current = statusOf(KEYS[1])
if not current then return {'missing'} end
if STATES.final[current] then return {'final', current} end
if not STATES.complete[current] then return {'conflict', current} end
redis.call('HSET', KEYS[1], 'completeRequested', 'true', 'updatedAt', cjson.encode(ARGV[2]))
announce(ARGV[3], ARGV[1], current)
return {'ok', redis.call('HGETALL', KEYS[1])}
