--[[
  Keeps a worker's lease on a session it holds (a leased status, and its own workerId).
  KEYS: session, lease index.
  ARGV: id, worker id (JSON text, as stored), lease deadline (ms).
  Returns the session's fields, or false when it is gone.
]]
local current = statusOf(KEYS[1])
if not current then return false end
if STATES.leased[current] and redis.call('HGET', KEYS[1], 'workerId') == ARGV[2] then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
