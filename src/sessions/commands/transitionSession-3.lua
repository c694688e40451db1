--[[
  Changes a session: sets the patch's fields and, when asked, moves it to a new status, but only
  along STATES.moves. A final session never changes.
  KEYS: session, expiry index, lease index.
  ARGV: id, new status ('' = keep), now (ms), now (ISO), lease ms ('' = leave the lease as is),
        retention (s), events channel, then field/value pairs (JSON text, never decoded here).
  Returns {'ok', fields} or {'missing'} or {'final' | 'conflict', current status}.
]]
local id, wanted, nowMs, nowIso, leaseMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local current = statusOf(KEYS[1])
if not current then return {'missing'} end
if STATES.final[current] then return {'final', current} end
if wanted ~= '' and not STATES.moves[current][wanted] then return {'conflict', current} end

if #ARGV > 7 then redis.call('HSET', KEYS[1], unpack(ARGV, 8)) end
redis.call('HSET', KEYS[1], 'updatedAt', cjson.encode(nowIso))
local status = current
if wanted ~= '' then
  status = wanted
  enter(KEYS[1], id, status, nowIso, KEYS[2], KEYS[3], ARGV[6])
end
if leaseMs ~= '' and STATES.leased[status] then
  redis.call('ZADD', KEYS[3], nowMs + tonumber(leaseMs), id)
end
announce(ARGV[7], id, status)
return {'ok', redis.call('HGETALL', KEYS[1])}
