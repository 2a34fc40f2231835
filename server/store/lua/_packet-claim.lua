-- Included by packet-grab.lua and packet-grab-credit.lua (redis/scripts.ts expands
-- `-- @include`): the claim both make. Checks the packet and the gate, pops one share and records the claim;
-- leaves `at`, `amount` and `reply` (the claimed reply, below) to the script that includes
-- it, which pays the claim (an outbox credit, or the wallet credit at once) and answers
-- `reply`. `distance` is the fence distance, m, as '%.17g' ('' for a packet without a fence).
-- Uses KEYS[1] packet hash, KEYS[2] shares list, KEYS[3] claims hash, KEYS[5] unlocked set
-- and ARGV[1..9] exactly as both scripts document them; returns early on a refusal.
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local previous = redis.call('HGET', KEYS[3], ARGV[2])
if previous then return { 'already', previous } end
local at = tonumber(ARGV[4])
local status, expiresAt, locked, opensAt =
  unpack(redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'locked', 'opensAt'))
if status == 'expired' or status == 'cancelled' or at >= tonumber(expiresAt) then return { 'expired' } end
if opensAt and at < tonumber(opensAt) then return { 'not-open', opensAt } end
local distance = ''
if locked == '1' then
  local gated = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
  local claim, unlock, fence = gated.claim, gated.unlock, gated.fence
  if type(fence) == 'table' then
    -- domain/geo-fence.ts fenceVerdict, operation for operation (haversine, R = 6371008.8 m):
    -- outside when distance - trusted accuracy > radius, or when no location was presented.
    local radius = tonumber(fence.radiusM)
    if ARGV[7] == '' then return { 'outside', tostring(radius), '', expiresAt } end
    local rad = math.pi / 180
    local lat, lng = tonumber(ARGV[7]), tonumber(ARGV[8])
    local sdlat = math.sin(((lat - fence.lat) * rad) / 2)
    local sdlng = math.sin(((lng - fence.lng) * rad) / 2)
    local h = sdlat * sdlat + math.cos(fence.lat * rad) * math.cos(lat * rad) * sdlng * sdlng
    local d = 2 * 6371008.8 * math.asin(math.min(1, math.sqrt(h)))
    distance = string.format('%.17g', d)
    if d - tonumber(ARGV[9]) > radius then return { 'outside', tostring(radius), distance, expiresAt } end
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
-- The claimed reply both scripts answer (packet-grab-credit.lua appends the new balance):
-- { 'claimed', claim JSON, distance, shares left, static record JSON, best claim JSON }
local record, best_claim = redis.call('HGET', KEYS[1], 'record'), redis.call('HGET', KEYS[1], 'best')
local reply = { 'claimed', claim, distance, left, record, best_claim }
