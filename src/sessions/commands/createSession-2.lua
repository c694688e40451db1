--[[
  Stores a new session once (never over an existing one) and indexes its expiry.
  KEYS: session, expiry index.
  ARGV: id, expires at (ms), ttl (s), then field/value pairs (JSON text).
  Returns 1 when created, 0 when the id was taken.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
