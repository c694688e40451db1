-- Records something a connect link started (a login session, an OAuth2 authorization), so that
-- revoking the link can end it. KEYS[1]: the link's record. KEYS[2]: its use (hash).
-- ARGV[1]: the field (started:<kind>:<id>). Returns 0 when the link was revoked meanwhile (or is
-- gone): the caller ends what it started at once.
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], 'revokedAt') == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], '1')
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1
