-- Checks a send (a packet, or a rain's funding) against one user's daily totals, step-up and
-- identical-amount breaker, and counts it if admitted: one atomic step that mirrors
-- domain/risk-rules.ts decideSend. A refusal writes nothing, except a refusal that trips the
-- breaker (it stores the open breaker). Idempotent by send id.
-- KEYS[1] the user's day hash (sends, sentFen, rainFen, s:<sendId> -> "<kind>:<amount>")
-- KEYS[2] the user's bucket's day sent-fen zset (userId -> fen)
-- KEYS[3] the user's breaker hash (amount, run, since, until)
-- ARGV[1] userId   ARGV[2] sendId   ARGV[3] kind ('packet' | 'rain')   ARGV[4] amount (fen)
-- ARGV[5] now (ms)   ARGV[6] day keys expire at (ms)   ARGV[7] verified ('1' | '0')
-- ARGV[8] max sends a day   ARGV[9] max sent fen a day   ARGV[10] max rain fen a day
-- ARGV[11] verify after sends   ARGV[12] breaker repeat   ARGV[13] breaker window (ms)
-- ARGV[14] breaker cooldown (ms)          (a limit of 0 is off)
-- Returns { 'ok', sends, sentFen, rainFen, run amount, run, run since, breaker until }
--       | { 'breaker', until, tripped (1 | 0) } | { 'step-up', sends }
--       | { 'daily-sends' | 'daily-sent-fen' | 'daily-rain-fen', used, cap }
local uid, sid, kind = ARGV[1], ARGV[2], ARGV[3]
local amount, now, expireAt = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local d = redis.call('HMGET', KEYS[1], 'sends', 'sentFen', 'rainFen')
local sends, sent, rain = tonumber(d[1]) or 0, tonumber(d[2]) or 0, tonumber(d[3]) or 0
local b = redis.call('HMGET', KEYS[3], 'amount', 'run', 'since', 'until')
local bAmount, bRun = tonumber(b[1]) or 0, tonumber(b[2]) or 0
local bSince, bUntil = tonumber(b[3]) or 0, tonumber(b[4]) or 0
local function ok()
  return { 'ok', sends, sent, rain, bAmount, bRun, bSince, bUntil }
end

if redis.call('HEXISTS', KEYS[1], 's:' .. sid) == 1 then return ok() end
if bUntil > now then return { 'breaker', bUntil, 0 } end

if kind == 'rain' then
  local cap = tonumber(ARGV[10])
  if cap > 0 and rain + amount > cap then return { 'daily-rain-fen', rain, cap } end
  rain = rain + amount
  redis.call('HSET', KEYS[1], 'rainFen', rain, 's:' .. sid, 'rain:' .. ARGV[4])
  redis.call('PEXPIREAT', KEYS[1], expireAt)
  return ok()
end

local maxSends, maxFen = tonumber(ARGV[8]), tonumber(ARGV[9])
if maxSends > 0 and sends + 1 > maxSends then return { 'daily-sends', sends, maxSends } end
if maxFen > 0 and sent + amount > maxFen then return { 'daily-sent-fen', sent, maxFen } end
local verifyAfter = tonumber(ARGV[11])
if verifyAfter > 0 and sends >= verifyAfter and ARGV[7] ~= '1' then return { 'step-up', sends } end

local repeatN, windowMs = tonumber(ARGV[12]), tonumber(ARGV[13])
if bAmount == amount and bRun > 0 and now - bSince < windowMs then
  bRun = bRun + 1
else
  bAmount, bRun, bSince = amount, 1, now
end
bUntil = 0
if repeatN > 0 and bRun >= repeatN then
  local untilAt = now + tonumber(ARGV[14])
  redis.call('HSET', KEYS[3], 'amount', 0, 'run', 0, 'since', 0, 'until', untilAt)
  redis.call('PEXPIREAT', KEYS[3], untilAt)
  return { 'breaker', untilAt, 1 }
end
redis.call('HSET', KEYS[3], 'amount', bAmount, 'run', bRun, 'since', bSince, 'until', 0)
redis.call('PEXPIREAT', KEYS[3], bSince + windowMs)

sends, sent = sends + 1, sent + amount
redis.call('HSET', KEYS[1], 'sends', sends, 'sentFen', sent, 's:' .. sid, 'packet:' .. ARGV[4])
redis.call('PEXPIREAT', KEYS[1], expireAt)
redis.call('ZINCRBY', KEYS[2], amount, uid)
redis.call('PEXPIREAT', KEYS[2], expireAt)
return ok()
