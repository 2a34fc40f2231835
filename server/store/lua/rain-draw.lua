-- Closes a lottery drop's window and pays the draw (rain-fair-store.ts drawDrop), fenced like
-- rain-release: only the lease holder, only drop #from where from = drops drawn so far, only
-- once the window has closed, and only over exactly the ticket list the draw was computed
-- from. The k-th winner takes the k-th share popped; each gets a claim, an outbox credit and
-- the leaderboard, as rain-grab records them.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] drop order list   KEYS[4] this drop's tickets
-- KEYS[5] draws hash   KEYS[6] claims hash   KEYS[7] leaderboard zset   KEYS[8] board info hash
-- KEYS[9] outbox hash
-- ARGV[1] node id   ARGV[2] from (drops drawn so far, as the caller believes)   ARGV[3] drop id
-- ARGV[4] ticket count   ARGV[5] now (ms)   ARGV[6] rain id
-- ARGV[7..] winners in draw order: userId, name, claim id, …
-- Returns { 'ok', shares left, amount… } | { 'closed' } | { 'lease-lost' } | { 'cursor-moved' }
--       | { 'not-closed' } | { 'tickets-moved' }
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
local now = tonumber(ARGV[5])
if drop.r == 0 or now < drop.r + record.reactionFloorMs + record.windowMs then return { 'not-closed' } end
local tickets = redis.call('LRANGE', KEYS[4], 0, -1)
if #tickets ~= tonumber(ARGV[4]) then return { 'tickets-moved' } end
-- Check every winner before writing anything (Redis does not roll a script back on error).
local holders = {}
for _, t in ipairs(tickets) do holders[cjson.decode(t).u] = true end
local winners = (#ARGV - 6) / 3
if winners > #drop.s then return redis.error_reply('more winners than shares in ' .. ARGV[3]) end
for w = 0, winners - 1 do
  local user = ARGV[7 + w * 3]
  if not holders[user] then return redis.error_reply(user .. ' holds no ticket to win') end
  holders[user] = nil
end
local paid, result = {}, { 'ok', 0 }
for w = 0, winners - 1 do
  local user, name, claimId = ARGV[7 + w * 3], ARGV[8 + w * 3], ARGV[9 + w * 3]
  local amount = table.remove(drop.s)
  redis.call('HSET', KEYS[6], ARGV[3] .. '\n' .. user, amount)
  redis.call('HSET', KEYS[9], claimId, cjson.encode({
    claimId = claimId, userId = user, amount = amount, sourceId = ARGV[6], reason = 'drop', at = now,
  }))
  local info = redis.call('HGET', KEYS[8], user)
  local grabs = 0
  if info then grabs = cjson.decode(info).grabs end
  redis.call('ZINCRBY', KEYS[7], amount, user)
  redis.call('HSET', KEYS[8], user, cjson.encode({ name = name, grabs = grabs + 1 }))
  redis.call('HINCRBY', KEYS[1], 'paid', amount)
  redis.call('HINCRBY', KEYS[1], 'grabs', 1)
  redis.call('HINCRBY', KEYS[1], 'remainingAmount', -amount)
  paid[#paid + 1] = { u = user, a = amount }
  result[#result + 1] = amount
end
redis.call('HSET', KEYS[2], ARGV[3], cjson.encode(drop))
redis.call('HSET', KEYS[5], ARGV[3], cjson.encode(paid))
redis.call('HINCRBY', KEYS[1], 'drawn', 1)
result[2] = #drop.s
return result
