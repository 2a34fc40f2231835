-- Adds (or replaces) a fenced packet in the nearby index. Idempotent.
-- KEYS[1] geo set of fence centres (GEOADD; member = packet id)
-- KEYS[2] expiry zset (packet id -> expiresAt ms)   KEYS[3] entries hash (packet id -> JSON)
-- KEYS[4] polar geo set: centres Redis geo cannot hold (|lat| > 85.05112878), turned a quarter
--         round so the poles sit on the equator (redis-fences.ts `turned`)
-- All four share the `{geo}` tag: one slot.
-- ARGV[1] packet id   ARGV[2] lng   ARGV[3] lat   ARGV[4] expiresAt (ms)   ARGV[5] entry JSON
-- ARGV[6] turned lng   ARGV[7] turned lat
-- Returns 1
local id, lat = ARGV[1], tonumber(ARGV[3])
if math.abs(lat) > 85.05112878 then
  redis.call('ZREM', KEYS[1], id)
  redis.call('GEOADD', KEYS[4], ARGV[6], ARGV[7], id)
else
  redis.call('ZREM', KEYS[4], id)
  redis.call('GEOADD', KEYS[1], ARGV[2], ARGV[3], id)
end
redis.call('ZADD', KEYS[2], ARGV[4], id)
redis.call('HSET', KEYS[3], id, ARGV[5])
return 1
