-- The gate in front of every drop grab (lottery-store.ts enterDrop): checks and counts the
-- user's tap against the rain's maxTapsPerSec (one-second windows; a refused tap is not
-- counted), then the drop's window. Lottery: before release + floor -> 'early'; inside the
-- window -> one ticket per (drop, user), none for a user whose wins reached the rain's cap
-- ('cap'); after it -> 'drawing' until the draw, then 'pass'. Race: 'pass'. Every attempt on a
-- released drop is appended to the grab log (capped) for the host's report.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] draws hash (dropId -> winners JSON)
-- KEYS[4] taps hash (userId -> "windowStart:count")   KEYS[5] grab log list
-- KEYS[6] this drop's ticket list (JSON { u, n, t } in arrival order)
-- KEYS[7] entrants set ("dropId\nuserId")   KEYS[8] board info hash (userId -> { name, grabs })
-- ARGV[1] drop id   ARGV[2] userId   ARGV[3] name   ARGV[4] now (ms)   ARGV[5] log cap
-- ARGV[6] ticket list retention (ms)
-- Returns { 'pass' } | { 'ticket', closesAt } | { 'drawing', closesAt } | { 'early', opensAt }
--       | { 'rate', retryAt } | { 'already' } | { 'cap' } | { 'drop-inactive' } | { 'rain-inactive' } | { 'missing' }
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'missing' } end
if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return { 'rain-inactive' } end
local record = cjson.decode(redis.call('HGET', KEYS[1], 'record'))
local now = tonumber(ARGV[4])
local from = now - (now % 1000)
local raw = redis.call('HGET', KEYS[2], ARGV[1])
local drop = nil
if raw then drop = cjson.decode(raw) end
local function log(outcome)
  if drop and drop.r > 0 and redis.call('LLEN', KEYS[5]) < tonumber(ARGV[5]) then
    redis.call('RPUSH', KEYS[5], ARGV[2] .. '\t' .. drop.i .. '\t' .. (now - drop.r) .. '\t' .. outcome)
  end
end
local count = 0
local taps = redis.call('HGET', KEYS[4], ARGV[2])
if taps then
  local sep = string.find(taps, ':', 1, true)
  if tonumber(string.sub(taps, 1, sep - 1)) == from then count = tonumber(string.sub(taps, sep + 1)) end
end
local maxTaps = tonumber(record.maxTapsPerSec or 0)
if maxTaps > 0 and count >= maxTaps then
  log('rate')
  return { 'rate', from + 1000 }
end
redis.call('HSET', KEYS[4], ARGV[2], from .. ':' .. (count + 1))
local ttl = tonumber(redis.call('HGET', KEYS[1], 'ttl'))
if not drop or drop.r == 0 or now < drop.r or now >= drop.r + ttl then return { 'drop-inactive' } end
if record.mode ~= 'lottery' or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then
  log('tap')
  return { 'pass' }
end
local opens = drop.r + record.reactionFloorMs
local closes = opens + record.windowMs
if now < opens then
  log('early')
  return { 'early', opens }
end
if now >= closes then
  log('tap')
  return { 'drawing', closes }
end
if redis.call('SISMEMBER', KEYS[7], ARGV[1] .. '\n' .. ARGV[2]) == 1 then return { 'already' } end
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
local info = redis.call('HGET', KEYS[8], ARGV[2])
if cap > 0 and info and cjson.decode(info).grabs >= cap then
  log('tap')
  return { 'cap' }
end
redis.call('SADD', KEYS[7], ARGV[1] .. '\n' .. ARGV[2])
if redis.call('RPUSH', KEYS[6], cjson.encode({ u = ARGV[2], n = ARGV[3], t = now })) == 1 then
  redis.call('PEXPIRE', KEYS[6], ARGV[6])
end
log('ticket')
return { 'ticket', closes }
