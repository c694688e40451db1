-- The app withdraws a connect link: marked revoked (kept until the record goes, so the page can say
-- so), dropped from the subject's index. Atomic with noteConnectLinkStart: whatever was started
-- through the link before this is in the returned fields; whatever starts after sees the mark.
-- KEYS[1]: the link's record. KEYS[2]: its use (hash). KEYS[3]: the subject's index.
-- ARGV: now (ms), the link id. Returns the use hash's field names (false when there is no such link).
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return false end
redis.call('HSETNX', KEYS[2], 'revokedAt', ARGV[1])
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
redis.call('ZREM', KEYS[3], ARGV[2])
return redis.call('HKEYS', KEYS[2])
