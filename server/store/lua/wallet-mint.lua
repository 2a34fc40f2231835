-- Mints test money into a wallet, once per mint id (ledgered as `mint`).
-- KEYS[1] wallet hash (balance, minted)   KEYS[2] ledger list   KEYS[3] applied mint ids (set)
-- ARGV[1] userId   ARGV[2] amount (fen)   ARGV[3] mint id   ARGV[4] at (ms)
-- Returns { balance, applied (1 | 0) }
if redis.call('SADD', KEYS[3], ARGV[3]) == 0 then
  return { tonumber(redis.call('HGET', KEYS[1], 'balance') or '0'), 0 }
end
local amount = tonumber(ARGV[2])
local balance = redis.call('HINCRBY', KEYS[1], 'balance', amount)
redis.call('HINCRBY', KEYS[1], 'minted', amount)
redis.call('RPUSH', KEYS[2], cjson.encode({
  userId = ARGV[1], kind = 'mint', amount = amount, balance = balance, ref = ARGV[3], at = tonumber(ARGV[4]),
}))
return { balance, 1 }
