-- Included by packet-grab.lua and packet-grab-credit.lua (redis/scripts.ts expands
-- `-- @include`): the claim both make. Checks the packet and the gate, pops one share and records the claim;
-- leaves `at`, `amount` and `reply` (the claimed reply, below) to the script that includes
-- it, which pays the claim (an outbox credit, or the wallet credit at once) and answers
-- `reply`. `distance` is the fence distance, m, as '%.17g' ('' for a packet without a fence).
-- Uses KEYS[1] packet hash, KEYS[2] shares list, KEYS[3] claims hash, KEYS[5] unlocked set
-- and ARGV[1..9] exactly as both scripts document them; returns early on a refusal.
-- Redis work per grab (issue 24): the packet hash is read by one HMGET and written by one
-- HSET; the counters are computed here (the script is atomic, so this is HINCRBY's effect).
-- Every packet hash has a status (packet-create.lua, restore-packet.lua): none means no packet.
local status, expiresAt, locked, opensAt, seq, count, remaining, bestAmount, record, best = unpack(
  redis.call('HMGET', KEYS[1], 'status', 'expiresAt', 'locked', 'opensAt', 'seq', 'remainingCount',
    'remainingAmount', 'bestAmount', 'record', 'best'))
if not status then return { 'missing' } end
local previous = redis.call('HGET', KEYS[3], ARGV[2])
if previous then return { 'already', previous } end
local at = tonumber(ARGV[4])
if status == 'expired' or status == 'cancelled' or at >= tonumber(expiresAt) then return { 'expired' } end
if opensAt and at < tonumber(opensAt) then return { 'not-open', opensAt } end
local distance = ''
if locked == '1' then
  local gated = cjson.decode(record)
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
seq = (tonumber(seq) or 0) + 1
local claim = cjson.encode({
  claimId = ARGV[5], packetId = ARGV[1], userId = ARGV[2], name = ARGV[3], amount = amount, at = at, seq = seq,
})
redis.call('HSET', KEYS[3], ARGV[2], claim)
local left = tonumber(count) - 1
local fields = { 'seq', seq, 'remainingCount', left, 'remainingAmount', tonumber(remaining) - amount }
if not bestAmount or amount > tonumber(bestAmount) then
  best = claim
  table.insert(fields, 'bestAmount'); table.insert(fields, amount)
  table.insert(fields, 'best'); table.insert(fields, claim)
end
if left == 0 then
  table.insert(fields, 'status'); table.insert(fields, 'finished')
end
redis.call('HSET', KEYS[1], unpack(fields))
-- The claimed reply both scripts answer (packet-grab-credit.lua appends the new balance):
-- { 'claimed', claim JSON, distance, shares left, static record JSON, best claim JSON }
local reply = { 'claimed', claim, distance, left, record, best }
