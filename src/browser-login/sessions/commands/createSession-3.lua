--[[
  Stores a new session once (never over an existing one), indexes its expiry, counts it against its
  subject's (and connect link's) limits, queues it fairly, and logs its first event.
  KEYS: session, expiry index, stream of all events.
  ARGV: id, expires at (ms), ttl (s), event log limits (JSON text), holds (JSON text: owner, subjects,
        queue, holders = {{key, limit, scope}, ...}, deadline (ms), now (ms)), then field/value pairs (JSON text).
  Returns {'ok'}, {'taken'} when the id was taken, or {'full', scope, deadline of its earliest holder (ms), limit}
  when a holder set is at its limit (0: no limit).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken'} end
local holds = cjson.decode(ARGV[5])
local deadline = holds.deadline
for _, set in ipairs(holds.holders) do
  pruneHolders(set.key, holds.now)
  if set.limit > 0 and redis.call('ZCARD', set.key) >= set.limit then
    local earliest = redis.call('ZRANGE', set.key, 0, 0, 'WITHSCORES')
    return {'full', set.scope, earliest[2], set.limit}
  end
end

local keys = {}
for _, set in ipairs(holds.holders) do
  keys[#keys + 1] = set.key
  redis.call('ZADD', set.key, deadline, ARGV[1])
  -- The set outlives its last holder's deadline by nothing: a subject that never returns leaves no key behind.
  local ttl = deadline - holds.now
  if redis.call('PTTL', set.key) < ttl then redis.call('PEXPIRE', set.key, ttl) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('HSET', KEYS[1], 'holds',
  cjson.encode({owner = holds.owner, subjects = holds.subjects, queue = holds.queue, holders = keys}))
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', holds.queue, holds.now, ARGV[1])
rescoreSubject(holds.subjects, holds.owner, holds.queue, keys[1])
logSessionEvent(KEYS[1], ARGV[1], 'session.' .. statusOf(KEYS[1]), KEYS[3], ARGV[4])
return {'ok'}
