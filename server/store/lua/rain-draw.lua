-- Closes a lottery drop's window and pays the draw (lottery-store.ts drawDrop), fenced like
-- rain-release: only the lease holder, only drop #from where from = drops drawn so far, only
-- once the window has closed, and only over exactly the ticket list the draw was computed
-- from. The caller passes every ticket holder in draw order (rain-fairness.ts drawOrder); this
-- walks it and pays the first holders whose wins in the rain are below the cap, skipping the
-- others, so the cap is judged in the step that pays. The k-th winner takes the k-th share
-- popped; each gets a claim, an outbox credit and the leaderboard, as rain-grab records them.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] drop order list   KEYS[4] this drop's tickets
-- KEYS[5] draws hash   KEYS[6] claims hash   KEYS[7] leaderboard zset   KEYS[8] board info hash
-- KEYS[9] outbox hash
-- ARGV[1] node id   ARGV[2] from (drops drawn so far, as the caller believes)   ARGV[3] drop id
-- ARGV[4] ticket count   ARGV[5] now (ms)   ARGV[6] rain id
-- ARGV[7] claim id prefix (a winner's claim id is prefix .. userId: ids.ts dropClaimId)
-- ARGV[8..] every ticket holder's userId, in draw order
-- Returns { 'ok', shares left, userId, amount, … } (winners in draw order) | { 'closed' }
--       | { 'lease-lost' } | { 'cursor-moved' } | { 'not-closed' } | { 'tickets-moved' }
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
-- Check the order before writing anything (Redis does not roll a script back on error).
local names = {}
for _, t in ipairs(tickets) do
  local ticket = cjson.decode(t)
  names[ticket.u] = ticket.n
end
if #ARGV - 7 ~= #tickets then return redis.error_reply('the draw order of ' .. ARGV[3] .. ' is not its tickets') end
local seen = {}
for a = 8, #ARGV do
  if not names[ARGV[a]] or seen[ARGV[a]] then return redis.error_reply(ARGV[a] .. ' holds no ticket to win') end
  seen[ARGV[a]] = true
end
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
local paid, result = {}, { 'ok', 0 }
for a = 8, #ARGV do
  if #drop.s == 0 then break end
  local user = ARGV[a]
  local info = redis.call('HGET', KEYS[8], user)
  local grabs = 0
  if info then grabs = cjson.decode(info).grabs end
  if cap == 0 or grabs < cap then
    local amount = table.remove(drop.s)
    local claimId = ARGV[7] .. user
    redis.call('HSET', KEYS[6], ARGV[3] .. '\n' .. user, amount)
    redis.call('HSET', KEYS[9], claimId, cjson.encode({
      claimId = claimId, userId = user, amount = amount, sourceId = ARGV[6], reason = 'drop', at = now,
    }))
    redis.call('ZINCRBY', KEYS[7], amount, user)
    redis.call('HSET', KEYS[8], user, cjson.encode({ name = names[user], grabs = grabs + 1 }))
    redis.call('HINCRBY', KEYS[1], 'paid', amount)
    redis.call('HINCRBY', KEYS[1], 'grabs', 1)
    redis.call('HINCRBY', KEYS[1], 'remainingAmount', -amount)
    paid[#paid + 1] = { u = user, a = amount }
    result[#result + 1] = user
    result[#result + 1] = amount
  end
end
redis.call('HSET', KEYS[2], ARGV[3], cjson.encode(drop))
redis.call('HSET', KEYS[5], ARGV[3], cjson.encode(paid))
redis.call('HINCRBY', KEYS[1], 'drawn', 1)
result[2] = #drop.s
return result
