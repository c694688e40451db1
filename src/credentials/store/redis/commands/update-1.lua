-- An update in place of one credential hash (status, verification, a re-sealed secret).
-- KEYS[1]: the credential hash.
-- ARGV[1]: the revision the caller read. ARGV[2]: the new metadata (JSON).
-- ARGV[3], ARGV[4]: the new record and wrapped key (JSON), or '' to keep the payload as it is.
-- 'missing' when the credential is gone (a delete won: nothing is written back),
-- 'changed' when another writer moved the revision on first.
local meta = redis.call('HGET', KEYS[1], 'meta')
if not meta then return 'missing' end
local ok, decoded = pcall(cjson.decode, meta)
if not ok then return 'changed' end
if tostring(decoded.revision or 0) ~= ARGV[1] then return 'changed' end
redis.call('HSET', KEYS[1], 'meta', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'record', ARGV[3], 'dek', ARGV[4]) end
return 'replaced'
