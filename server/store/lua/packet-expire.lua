-- Expires an open packet that is due: its remaining escrow becomes an outbox refund credit to
-- the sender. Idempotent: only the first call after expiresAt returns 'expired'.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] outbox hash
-- ARGV[1] at (ms)   ARGV[2] refund claim id   ARGV[3] packet id
-- Returns { 'noop', closed (1 when missing or no longer open: off the expiry schedule),
--           done (1 when it needs no more attention: missing, or closed with an empty outbox) }
--       | { 'expired', refund JSON or '', packet hash as field, value, … }
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'noop', 1, 1 } end
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then
  return { 'noop', 1, redis.call('HLEN', KEYS[3]) == 0 and 1 or 0 }
end
local at = tonumber(ARGV[1])
if at < tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) then return { 'noop', 0, 0 } end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remainingAmount'))
local refund = ''
if remaining > 0 then
  local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
  refund = cjson.encode({
    claimId = ARGV[2], userId = record.senderId, amount = remaining, sourceId = ARGV[3], reason = 'refund', at = at,
  })
  redis.call('HSET', KEYS[3], ARGV[2], refund)
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'status', 'expired', 'remainingAmount', 0)
local result = { 'expired', refund }
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do result[#result + 1] = v end
return result
