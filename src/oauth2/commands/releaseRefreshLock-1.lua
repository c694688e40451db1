-- Releases a refresh lock only when the caller still holds it (its token): a holder whose lock
-- expired and was taken by another process must not release the new holder's lock.
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0
