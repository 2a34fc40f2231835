-- The grab and its wallet credit in one atomic step, for a single Redis only (the packet's
-- and the wallet's keys live in different Redis Cluster slots; Cluster runs `grab` then
-- `apply-credit`). Pops one share for a user, records the claim, and credits the wallet once
-- per claim id exactly as apply-credit.lua does — so no outbox entry is left to apply or ack.
-- At most one claim per (packet, user): the claims hash is keyed by user.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] claims hash (userId -> JSON)
-- KEYS[4] outbox hash (unused here; kept so the packet keys match grab.lua)
-- KEYS[5] users who unlocked it by listening (set)
-- KEYS[6] wallet hash   KEYS[7] ledger list   KEYS[8] applied claim ids (set)
-- ARGV[1] packet id   ARGV[2] userId   ARGV[3] name   ARGV[4] at (ms)   ARGV[5] claim id
-- ARGV[6] the phrase the grab presents ('' for none)
-- ARGV[7] latitude   ARGV[8] longitude   ARGV[9] trusted accuracy, m (min(reported, cap));
--   all three '' when the grab presents no location
-- A gated packet ('locked' = 1) is let through as in grab.lua (domain/claim-gate.ts), the
-- location fence included.
-- Returns { 'missing' } | { 'expired' } (also once cancelled)
--       | { 'not-open', opensAt } (a timed packet before its opening)
--       | { 'locked' } | { 'forbidden' } | { 'empty' }
--       | { 'outside', '<radiusM> <distanceM>' } (fenced, outside; '<radiusM>' alone without a location)
--       | { 'already', claim JSON }
--       | { 'claimed', claim JSON, balance, shares left, static record JSON,
--           best claim JSON once the last share is gone (else '') }
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local previous = redis.call('HGET', KEYS[3], ARGV[2])
if previous then return { 'already', previous } end
local at = tonumber(ARGV[4])
local status, expiresAt, locked, opensAt =
  unpack(redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'locked', 'opensAt'))
if status == 'expired' or status == 'cancelled' or at >= tonumber(expiresAt) then return { 'expired' } end
if opensAt and at < tonumber(opensAt) then return { 'not-open', opensAt } end
if locked == '1' then
  local gated = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
  local claim, unlock, fence = gated.claim, gated.unlock, gated.fence
  if type(fence) == 'table' then
    -- domain/geo-fence.ts fenceVerdict, operation for operation (haversine, R = 6371008.8 m):
    -- outside when distance - trusted accuracy > radius, or when no location was presented.
    local radius = tonumber(fence.radiusM)
    if ARGV[7] == '' then return { 'outside', tostring(radius) } end
    local rad = math.pi / 180
    local lat, lng = tonumber(ARGV[7]), tonumber(ARGV[8])
    local sdlat = math.sin(((lat - fence.lat) * rad) / 2)
    local sdlng = math.sin(((lng - fence.lng) * rad) / 2)
    local h = sdlat * sdlat + math.cos(fence.lat * rad) * math.cos(lat * rad) * sdlng * sdlng
    local d = 2 * 6371008.8 * math.asin(math.min(1, math.sqrt(h)))
    if d - tonumber(ARGV[9]) > radius then
      return { 'outside', tostring(radius) .. ' ' .. string.format('%.17g', d) }
    end
  end
  if type(claim) == 'table' and claim.type == 'exclusive' then
    if claim.ownerId ~= ARGV[2] then return { 'forbidden' } end
  elseif type(unlock) == 'table' and redis.call('SISMEMBER', KEYS[5], ARGV[2]) == 0 then
    local phrase = unlock.type == 'phrase' and unlock.phrase or nil
    if not phrase or ARGV[6] ~= phrase then return { 'locked' } end
  end
end
local share = redis.call('LPOP', KEYS[2])
if not share then return { 'empty' } end
local amount = tonumber(share)
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local claim = cjson.encode({
  claimId = ARGV[5], packetId = ARGV[1], userId = ARGV[2], name = ARGV[3], amount = amount, at = at, seq = seq,
})
redis.call('HSET', KEYS[3], ARGV[2], claim)
local left = redis.call('HINCRBY', KEYS[1], 'remainingCount', -1)
redis.call('HINCRBY', KEYS[1], 'remainingAmount', -amount)
local best = redis.call('HGET', KEYS[1], 'bestAmount')
if not best or amount > tonumber(best) then
  redis.call('HSET', KEYS[1], 'bestAmount', amount, 'best', claim)
end
if left == 0 then redis.call('HSET', KEYS[1], 'status', 'finished') end
local balance
if redis.call('SADD', KEYS[8], ARGV[5]) == 1 then
  balance = redis.call('HINCRBY', KEYS[6], 'balance', amount)
  redis.call('RPUSH', KEYS[7], cjson.encode({
    userId = ARGV[2], kind = 'credit', amount = amount, balance = balance, ref = ARGV[5], at = at,
  }))
else
  balance = tonumber(redis.call('HGET', KEYS[6], 'balance') or '0')
end
local best_claim = ''
if left == 0 then best_claim = redis.call('HGET', KEYS[1], 'best') end
return { 'claimed', claim, balance, left, redis.call('HGET', KEYS[1], 'record'), best_claim }
