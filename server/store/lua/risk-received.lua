-- Adds received fen to the day totals of users who share one bucket, atomically.
-- Not idempotent: the caller adds each credit once.
-- KEYS[1] the bucket's day received zset (userId -> fen)
-- ARGV[1] the day keys expire at (ms)   ARGV[2] cap (fen; 0 = none)
-- ARGV[3], ARGV[4], … userId, fen pairs
-- Returns the user ids whose total is now at or over the cap
local cap = tonumber(ARGV[2])
local capped, seen = {}, {}
for i = 3, #ARGV, 2 do
  local total = tonumber(redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i]))
  if cap > 0 and total >= cap and not seen[ARGV[i]] then
    seen[ARGV[i]] = true
    capped[#capped + 1] = ARGV[i]
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return capped
