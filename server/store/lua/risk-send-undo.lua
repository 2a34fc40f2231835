-- Takes back an admitted send (its funding failed): the counters risk-send added, once.
-- Idempotent: an unknown or already undone send id changes nothing.
-- KEYS[1] the user's day hash   KEYS[2] the user's bucket's day sent-fen zset
-- ARGV[1] userId   ARGV[2] sendId
-- Returns 1 if undone, 0 if there was nothing to undo
local field = 's:' .. ARGV[2]
local v = redis.call('HGET', KEYS[1], field)
if not v then return 0 end
local kind, text = string.match(v, '^(%a+):(%d+)$')
local amount = tonumber(text) or 0
if kind == 'rain' then
  local rain = tonumber(redis.call('HGET', KEYS[1], 'rainFen')) or 0
  redis.call('HSET', KEYS[1], 'rainFen', math.max(0, rain - amount))
else
  local d = redis.call('HMGET', KEYS[1], 'sends', 'sentFen')
  local sends, sent = tonumber(d[1]) or 0, tonumber(d[2]) or 0
  redis.call('HSET', KEYS[1], 'sends', math.max(0, sends - 1), 'sentFen', math.max(0, sent - amount))
  if redis.call('ZINCRBY', KEYS[2], -amount, ARGV[1]) + 0 <= 0 then
    redis.call('ZREM', KEYS[2], ARGV[1])
  end
end
redis.call('HDEL', KEYS[1], field)
return 1
