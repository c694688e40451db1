-- Stores a new connect link and indexes it under its subject.
-- KEYS[1]: the link's record. KEYS[2]: the subject's index (link id scored by when it stops working).
-- ARGV: the record (JSON), how long to keep it (ms), the link id, its expiry (ms), now (ms).
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
-- The index forgets links that stopped working, so it stays as small as the subject's live links.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
