--[[
  Stores a new session once (never over an existing one), indexes its expiry, and logs its first event.
  KEYS: session, expiry index, stream of all events.
  ARGV: id, expires at (ms), ttl (s), event log limits (JSON text), then field/value pairs (JSON text).
  Returns 1 when created, 0 when the id was taken.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
logSessionEvent(KEYS[1], ARGV[1], 'session.' .. statusOf(KEYS[1]), KEYS[3], ARGV[4])
return 1
