-- Cancels a timed packet before it opens: its whole escrow becomes an outbox refund credit to
-- the sender and it turns 'cancelled'. Atomic with packet-grab.lua on the same packet (same
-- slot), so a share is never paid from a cancelled packet. Idempotent: only the first call cancels.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] outbox hash (claimId -> credit JSON)
-- ARGV[1] sender's userId   ARGV[2] at (ms)   ARGV[3] refund claim id   ARGV[4] packet id
-- Returns { 'missing' } | { 'not-sender' } | { 'closed' } (no longer open) | { 'opened' }
--       | { 'cancelled', refund JSON, packet hash as field, value, … }
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
if record.senderId ~= ARGV[1] then return { 'not-sender' } end
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return { 'closed' } end
local at = tonumber(ARGV[2])
local opensAt = redis.call('HGET', KEYS[1], 'opensAt')
if not opensAt or at >= tonumber(opensAt) then return { 'opened' } end
local remaining = tonumber(redis.call('HGET', KEYS[1], 'remainingAmount'))
local refund = cjson.encode({
  claimId = ARGV[3], userId = ARGV[1], amount = remaining, sourceId = ARGV[4], reason = 'refund', at = at,
})
redis.call('HSET', KEYS[3], ARGV[3], refund)
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'remainingAmount', 0)
local result = { 'cancelled', refund }
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do result[#result + 1] = v end
return result
