-- The first open of a connect link binds it to the browser that opened it; later opens say whose it is.
-- Atomic, so of two browsers opening a link at once exactly one gets it.
-- KEYS[1]: the link's record. KEYS[2]: its use (hash). KEYS[3]: the subject's index.
-- ARGV: the digest of the browser's binding secret, now (ms), until when the page works once opened
-- (ms), how long records outlive that (ms), the link id.
-- Returns {"bound", usableUntil} (this browser now has it), {"same", usableUntil} (it had it already),
-- {"other"} (another browser has it), {"revoked"} or {"gone"}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'gone'} end
local use = redis.call('HMGET', KEYS[2], 'revokedAt', 'binding', 'usableUntil')
if use[1] then return {'revoked'} end
if use[2] then
  -- Digests of 256-bit secrets: comparing them in variable time gives nothing away.
  if use[2] == ARGV[1] then return {'same', use[3]} end
  return {'other'}
end
redis.call('HSET', KEYS[2], 'binding', ARGV[1], 'openedAt', ARGV[2], 'usableUntil', ARGV[3])
local keep = tonumber(ARGV[3]) - tonumber(ARGV[2]) + tonumber(ARGV[4])
for _, key in ipairs(KEYS) do
  if redis.call('PTTL', key) < keep then redis.call('PEXPIRE', key, keep) end
end
redis.call('ZADD', KEYS[3], 'XX', 'GT', ARGV[3], ARGV[5])
return {'bound', ARGV[3]}
