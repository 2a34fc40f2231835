-- Ends an active rain — 'finished' only once every drop is released and the last window has
-- closed, 'cancelled' at any time — moving every unclaimed share into an outbox refund to the
-- host. Idempotent: only the first call ends it.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] outbox hash   KEYS[4] leaderboard zset
-- ARGV[1] now (ms)   ARGV[2] 'finished' | 'cancelled'   ARGV[3] refund claim id   ARGV[4] rain id
-- Returns { 'ended', refund JSON or '', winners, rain hash as field, value, … }
--       | { 'noop', rain hash as field, value, … } ({ 'noop' } for an unknown rain)
local function withRain(result)
  for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do result[#result + 1] = v end
  return result
end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'noop' } end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'scheduled' and status ~= 'running' then return withRain({ 'noop' }) end
local now = tonumber(ARGV[1])
if ARGV[2] == 'finished' then
  local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
  local released = tonumber(redis.call('HGET', KEYS[1], 'released'))
  local last = tonumber(redis.call('HGET', KEYS[1], 'lastReleaseAt'))
  if released < record.drops or now < last + tonumber(redis.call('HGET', KEYS[1], 'ttl')) then
    return withRain({ 'noop' })
  end
end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remainingAmount'))
local refund = ''
if remaining > 0 then
  local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
  refund = cjson.encode({
    claimId = ARGV[3], userId = record.hostId, amount = remaining, sourceId = ARGV[4], reason = 'rain-refund', at = now,
  })
  redis.call('HSET', KEYS[3], ARGV[3], refund)
end
-- The drops hash stays (release times for replay); every reader gates on the rain's status.
redis.call('HSET', KEYS[1], 'status', ARGV[2] == 'finished' and 'ended' or 'cancelled',
  'refunded', remaining, 'remainingAmount', 0, 'endedAt', now, 'leaseOwner', '', 'leaseUntil', 0)
return withRain({ 'ended', refund, redis.call('ZCARD', KEYS[4]) })
