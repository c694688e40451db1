--[[
  Moves a live session's expiry (a kept-alive browser holds its session past the login's time):
  its `expiresAt`, its place in the expiry index and its key's time to live. A final session is left as it is.
  KEYS: session, expiry index.
  ARGV: id, expires at (ms), expires at (ISO), ttl (s).
  Returns 1 when moved, 0 when the session is gone or final.
]]
local current = statusOf(KEYS[1])
if not current or STATES.final[current] then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', cjson.encode(ARGV[3]))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
