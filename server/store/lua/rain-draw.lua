-- Closes a lottery drop and pays its draw (lottery-store.ts drawDrop), fenced like rain-release:
-- only the lease holder, only drop #from where from = drops drawn so far, only once the window
-- plus the grace has passed. Walks the candidates the nodes handed in (rain-batch.lua) in
-- sorted-set order — score, then user id bytes: rain-lottery.ts byScore — and pays the first
-- whose wins in the rain are below the cap, skipping the others, so the cap is judged in the
-- step that pays. The k-th winner takes the k-th share popped; each gets a claim, an outbox
-- credit and the leaderboard, as rain-grab records them. Marking the drop drawn refuses any
-- later batch for it.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] drop order list   KEYS[4] candidates zset
-- KEYS[5] candidate names hash   KEYS[6] draws hash   KEYS[7] claims hash
-- KEYS[8] leaderboard zset   KEYS[9] board info hash   KEYS[10] outbox hash
-- ARGV[1] node id   ARGV[2] from (drops drawn so far, as the caller believes)   ARGV[3] drop id
-- ARGV[4] now (ms)   ARGV[5] rain id   ARGV[6] grace (ms)
-- ARGV[7] claim id prefix (a winner's claim id is prefix .. userId: ids.ts dropClaimId)
-- Returns { 'ok', shares left, userId, amount, … } (winners in draw order) | { 'closed' }
--       | { 'lease-lost' } | { 'cursor-moved' } | { 'not-closed', drawAt }
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'scheduled' and status ~= 'running' then return { 'closed' } end
if redis.call('HGET', KEYS[1], 'leaseOwner') ~= ARGV[1] then return { 'lease-lost' } end
local from = tonumber(ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 'drawn') or '0') ~= from then return { 'cursor-moved' } end
if redis.call('LINDEX', KEYS[3], from) ~= ARGV[3] then
  return redis.error_reply('drop ' .. ARGV[3] .. ' is not drop #' .. from)
end
local drop = cjson.decode(redis.call('HGET', KEYS[2], ARGV[3]))
local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
local now = tonumber(ARGV[4])
if drop.r == 0 then return { 'not-closed', 0 } end
local drawAt = drop.r + record.reactionFloorMs + record.windowMs + tonumber(ARGV[6])
if now < drawAt then return { 'not-closed', drawAt } end
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
local paid, result = {}, { 'ok', 0 }
local candidates = redis.call('ZRANGE', KEYS[4], 0, -1)
for _, user in ipairs(candidates) do
  if #drop.s == 0 then break end
  local info = redis.call('HGET', KEYS[9], user)
  local grabs = 0
  if info then grabs = cjson.decode(info).grabs end
  if cap == 0 or grabs < cap then
    local amount = table.remove(drop.s)
    local claimId = ARGV[7] .. user
    redis.call('HSET', KEYS[7], ARGV[3] .. '\n' .. user, amount)
    redis.call('HSET', KEYS[10], claimId, cjson.encode({
      claimId = claimId, userId = user, amount = amount, sourceId = ARGV[5], reason = 'drop', at = now,
    }))
    redis.call('ZINCRBY', KEYS[8], amount, user)
    local name = redis.call('HGET', KEYS[5], user) or user
    redis.call('HSET', KEYS[9], user, cjson.encode({ name = name, grabs = grabs + 1 }))
    redis.call('HINCRBY', KEYS[1], 'paid', amount)
    redis.call('HINCRBY', KEYS[1], 'grabs', 1)
    redis.call('HINCRBY', KEYS[1], 'remainingAmount', -amount)
    paid[#paid + 1] = { u = user, a = amount }
    result[#result + 1] = user
    result[#result + 1] = amount
  end
end
redis.call('HSET', KEYS[2], ARGV[3], cjson.encode(drop))
redis.call('HSET', KEYS[6], ARGV[3], cjson.encode(paid))
redis.call('HINCRBY', KEYS[1], 'drawn', 1)
result[2] = #drop.s
return result
