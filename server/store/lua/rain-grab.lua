-- Pops one share of a released drop for a user, atomically recording the claim (once per
-- drop and user), the outbox credit, the per-user count (capped) and the leaderboard.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] claims hash ("dropId\nuserId" -> amount)
-- KEYS[4] leaderboard zset (userId -> fen)   KEYS[5] board info hash (userId -> { name, grabs })
-- KEYS[6] outbox hash (claimId -> credit JSON)
-- ARGV[1] rain id   ARGV[2] drop id   ARGV[3] userId   ARGV[4] name   ARGV[5] now (ms)
-- ARGV[6] claim id
-- Returns { 'claimed', amount, shares left in the drop } | { 'missing' } | { 'rain-inactive' }
--       | { 'drop-inactive' } | { 'already' } | { 'cap' } | { 'drop-empty' }
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return { 'rain-inactive' } end
local raw = redis.call('HGET', KEYS[2], ARGV[2])
if not raw then return { 'drop-inactive' } end
local drop = cjson.decode(raw)
local now = tonumber(ARGV[5])
local ttl = tonumber(redis.call('HGET', KEYS[1], 'ttl'))
if drop.r == 0 or now < drop.r or now >= drop.r + ttl then return { 'drop-inactive' } end
local claimKey = ARGV[2] .. '\n' .. ARGV[3]
if redis.call('HEXISTS', KEYS[3], claimKey) == 1 then return { 'already' } end
local info = redis.call('HGET', KEYS[5], ARGV[3])
local grabs = 0
if info then grabs = cjson.decode(info).grabs end
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
if cap > 0 and grabs >= cap then return { 'cap' } end
if #drop.s == 0 then return { 'drop-empty' } end
local amount = table.remove(drop.s)
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(drop))
redis.call('HSET', KEYS[3], claimKey, amount)
redis.call('HSET', KEYS[6], ARGV[6], cjson.encode({
  claimId = ARGV[6], userId = ARGV[3], amount = amount, sourceId = ARGV[1], reason = 'drop', at = now,
}))
redis.call('ZINCRBY', KEYS[4], amount, ARGV[3])
redis.call('HSET', KEYS[5], ARGV[3], cjson.encode({ name = ARGV[4], grabs = grabs + 1 }))
redis.call('HINCRBY', KEYS[1], 'paid', amount)
redis.call('HINCRBY', KEYS[1], 'grabs', 1)
redis.call('HINCRBY', KEYS[1], 'remainingAmount', -amount)
return { 'claimed', amount, #drop.s }
