-- Counts one failed grab of a user in a fixed window; at the max it starts a cooldown.
-- Mirrors domain/risk-rules.ts countGrabFailure.
-- KEYS[1] the user's grab-failure hash (count, since, coolUntil)
-- ARGV[1] now (ms)   ARGV[2] max failures (0 = never cool down)   ARGV[3] window (ms)
-- ARGV[4] cooldown (ms)
-- Returns until when the user is cooled down (ms), 0 when not
local now, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local windowMs, cooldownMs = tonumber(ARGV[3]), tonumber(ARGV[4])
local s = redis.call('HMGET', KEYS[1], 'count', 'since', 'coolUntil')
local count, since, coolUntil = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
if coolUntil > now then return coolUntil end
if now - since >= windowMs then
  count, since = 0, now
end
count = count + 1
if max > 0 and count >= max then
  coolUntil = now + cooldownMs
  redis.call('HSET', KEYS[1], 'count', 0, 'since', 0, 'coolUntil', coolUntil)
  redis.call('PEXPIREAT', KEYS[1], coolUntil)
  return coolUntil
end
redis.call('HSET', KEYS[1], 'count', count, 'since', since, 'coolUntil', 0)
redis.call('PEXPIREAT', KEYS[1], since + windowMs)
return 0
