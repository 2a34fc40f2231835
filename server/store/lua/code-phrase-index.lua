-- Indexes a password packet under its phrase in its room, until the packet expires. Idempotent.
-- KEYS[1] the room's packets with this one phrase (zset packet id -> expiresAt ms), in the
--         room's slot {r:<roomId>}
-- ARGV[1] packet id   ARGV[2] expiresAt (ms)   ARGV[3] at (ms): entries expired before it go
-- ARGV[4] slack (ms) the key outlives its last entry by
-- Returns 1. The key expires (ARGV[4] after) when its last entry does, counted from `at` on
-- Redis's own clock, so a phrase nobody sends again leaves nothing behind.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local ttl = math.max(tonumber(last[2]) - tonumber(ARGV[3]), 0) + tonumber(ARGV[4])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
