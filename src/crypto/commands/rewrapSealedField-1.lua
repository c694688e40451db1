-- Key rotation of one secret sealed into a hash field (a webhook's signing secret, an OAuth client secret).
-- KEYS[1]: the hash. ARGV[1]: the field. ARGV[2]: the sealed secret as rotation read it. ARGV[3]: the rewrapped one.
-- Written only while the field still holds exactly what was read: a secret set or deleted meanwhile is left as it is.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
