-- One node's batch for a released drop (lottery-store.ts submitBatch): refused once the drop is
-- drawn, idempotent per (drop, node). Its candidates join the drop's sorted set (one member per
-- user across nodes: a user's score is the same on every node), their names a hash, its list
-- is kept for replay with one SET, its meta (digest, count, candidates) in the batches hash,
-- and its log is appended up to the cap. A constant number of commands per call. A batch with
-- no tickets (a race drop's log) is still logged once the rain is over (its last drop's ttl
-- ends when the rain does), and answered 'closed'.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] draws hash   KEYS[4] batches hash
-- KEYS[5] this node's list for the drop   KEYS[6] the drop's candidates zset
-- KEYS[7] the drop's candidate names hash   KEYS[8] grab log list
-- ARGV[1] drop id   ARGV[2] node id   ARGV[3] meta JSON { h, c, k }   ARGV[4] list (ids by line)
-- ARGV[5] retention (ms)   ARGV[6] log cap   ARGV[7] candidates n   ARGV[8] log entries m
-- ARGV[9 ..] n triples userId, name, score, then m log entries
-- Returns { 'accepted' } | { 'duplicate' } | { 'drawn' } | { 'missing' } | { 'closed' }
-- In chunks: Lua's unpack has a stack limit.
local CHUNK = 1000
local n, m = tonumber(ARGV[7]), tonumber(ARGV[8])
local function appendLog()
  local room = tonumber(ARGV[6]) - redis.call('LLEN', KEYS[8])
  local logFrom = 9 + 3 * n
  for first = 0, math.min(m, room) - 1, CHUNK do
    local entries = {}
    for i = first, math.min(m, room, first + CHUNK) - 1 do entries[#entries + 1] = ARGV[logFrom + i] end
    redis.call('RPUSH', KEYS[8], unpack(entries))
  end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
local status = redis.call('HGET', KEYS[1], 'status')
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw or cjson.decode(raw).r == 0 then return { 'missing' } end
if status ~= 'scheduled' and status ~= 'running' then
  if n == 0 and ARGV[4] == '' and m > 0 then
    appendLog()
    -- An ended rain's keys expire (escrow close); a log first written now does too.
    if redis.call('PTTL', KEYS[8]) == -1 then redis.call('PEXPIRE', KEYS[8], ARGV[5]) end
  end
  return { 'closed' }
end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return { 'drawn' } end
if redis.call('HSETNX', KEYS[4], ARGV[1] .. '\n' .. ARGV[2], ARGV[3]) == 0 then return { 'duplicate' } end
local retain = tonumber(ARGV[5])
if ARGV[4] ~= '' then redis.call('SET', KEYS[5], ARGV[4], 'PX', retain) end
for first = 0, n - 1, CHUNK do
  local zadd, names = {}, {}
  for i = first, math.min(n, first + CHUNK) - 1 do
    local a = 9 + 3 * i
    zadd[#zadd + 1] = ARGV[a + 2]
    zadd[#zadd + 1] = ARGV[a]
    names[#names + 1] = ARGV[a]
    names[#names + 1] = ARGV[a + 1]
  end
  redis.call('ZADD', KEYS[6], unpack(zadd))
  redis.call('HSET', KEYS[7], unpack(names))
end
if n > 0 then
  redis.call('PEXPIRE', KEYS[6], retain)
  redis.call('PEXPIRE', KEYS[7], retain)
end
appendLog()
return { 'accepted' }
