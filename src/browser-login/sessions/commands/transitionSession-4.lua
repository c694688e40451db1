--[[
  Changes a session: sets the patch's fields and, when asked, moves it to a new status, but only
  along STATES.moves. A final session never changes. The change is logged in the same script
  (so no reader sees a status the log lacks): a new status as `session.<status>`, otherwise a new
  live view URL as `session.live_view_changed` and a turned-down login as `session.login_rejected`.
  KEYS: session, expiry index, lease index, stream of all events.
  ARGV: id, new status ('' = keep), now (ms), now (ISO), lease ms ('' = leave the lease as is),
        retention (s), events channel, event log limits (JSON text), then field/value pairs (JSON text, never decoded here).
  Returns {'ok', fields} or {'missing'} or {'final' | 'conflict', current status}.
]]
local id, wanted, nowMs, nowIso, leaseMs = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local current = statusOf(KEYS[1])
if not current then return {'missing'} end
if STATES.final[current] then return {'final', current} end
if wanted ~= '' and not STATES.moves[current][wanted] then return {'conflict', current} end

local eventType = nil
if wanted ~= '' then eventType = 'session.' .. wanted end
for i = 9, #ARGV, 2 do
  if eventType then break end
  if ARGV[i] == 'liveViewUrl' and redis.call('HGET', KEYS[1], 'liveViewUrl') ~= ARGV[i + 1] then
    eventType = 'session.live_view_changed'
  elseif ARGV[i] == 'lastLoginRejection' then
    eventType = 'session.login_rejected'
  end
end

if #ARGV > 8 then redis.call('HSET', KEYS[1], unpack(ARGV, 9)) end
redis.call('HSET', KEYS[1], 'updatedAt', cjson.encode(nowIso))
local status = current
if wanted ~= '' then
  status = wanted
  enter(KEYS[1], id, status, nowIso, KEYS[2], KEYS[3], ARGV[6])
end
if leaseMs ~= '' and STATES.leased[status] then
  redis.call('ZADD', KEYS[3], nowMs + tonumber(leaseMs), id)
end
if eventType then logSessionEvent(KEYS[1], id, eventType, KEYS[4], ARGV[8]) end
announce(ARGV[7], id, status)
return {'ok', redis.call('HGETALL', KEYS[1])}
