-- Removes packets from the nearby index. Idempotent; unknown ids are ignored.
-- KEYS[1] geo set   KEYS[2] expiry zset   KEYS[3] entries hash   KEYS[4] polar geo set
-- (one slot, `{geo}`)
-- ARGV[1..] packet ids
-- Returns the number of ids that were indexed
local removed = 0
for i = 1, #ARGV do
  removed = removed + redis.call('HDEL', KEYS[3], ARGV[i])
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('ZREM', KEYS[4], ARGV[i])
end
return removed
