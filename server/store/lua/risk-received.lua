-- Adds received fen to the day totals of users who share one bucket, atomically.
-- Not idempotent: the caller adds each credit once.
-- KEYS[1] the bucket's day received zset (userId -> fen)
-- ARGV[1] the day keys expire at (ms)   ARGV[2] cap (fen; 0 = none)
-- ARGV[3] the credits, one per line: userId TAB fen
-- Returns the user ids whose total is now at or over the cap
local cap = tonumber(ARGV[2])
local capped, seen = {}, {}
for uid, fen in string.gmatch(ARGV[3], '([^\t\n]+)\t(%d+)') do
  local total = tonumber(redis.call('ZINCRBY', KEYS[1], fen, uid))
  if cap > 0 and total >= cap and not seen[uid] then
    seen[uid] = true
    capped[#capped + 1] = uid
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return capped
