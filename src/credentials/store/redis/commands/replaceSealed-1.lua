-- Key rotation's compare-and-swap on one credential hash.
-- KEYS[1]: the credential hash.
-- ARGV[1]: the field rotation read its key from: 'dek' (an envelope) or 'record' (a format-1 record).
-- ARGV[2]: that field as rotation read it (JSON). ARGV[3]: the new wrapped key (JSON).
-- ARGV[4]: the new record (JSON), or '' to keep the payload as it is.
-- 'missing' when the credential is gone: a delete won, nothing is written back.
-- 'changed' when it no longer holds what was read: someone else rewrapped or re-sealed it first.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if not stored then return 'changed' end
-- Compared as values, not text: the same box may be serialized with its fields in another order.
local ok, a = pcall(cjson.decode, stored)
local b = cjson.decode(ARGV[2])
if not ok or a.kid ~= b.kid or a.iv ~= b.iv or a.tag ~= b.tag or a.ct ~= b.ct then return 'changed' end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'record', ARGV[4]) end
redis.call('HSET', KEYS[1], 'dek', ARGV[3])
return 'replaced'
