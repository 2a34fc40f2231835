-- Credits a wallet for a claim or refund, once per claim id (ledgered as `credit`).
-- KEYS[1] wallet hash   KEYS[2] ledger list   KEYS[3] applied claim ids (set)
-- ARGV[1] userId   ARGV[2] claim id   ARGV[3] amount (fen)   ARGV[4] at (ms)
-- Returns { balance, applied (1 | 0) }
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then
  return { tonumber(redis.call('HGET', KEYS[1], 'balance') or '0'), 0 }
end
local amount = tonumber(ARGV[3])
local balance = redis.call('HINCRBY', KEYS[1], 'balance', amount)
redis.call('RPUSH', KEYS[2], cjson.encode({
  userId = ARGV[1], kind = 'credit', amount = amount, balance = balance, ref = ARGV[2], at = tonumber(ARGV[4]),
}))
return { balance, 1 }
