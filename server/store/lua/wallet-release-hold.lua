-- Returns a held hold's money to the wallet (ledgered as `release`). Idempotent: a settled,
-- released or unknown hold is left alone.
-- KEYS[1] wallet hash   KEYS[2] ledger list   KEYS[3] holds hash
-- ARGV[1] userId   ARGV[2] hold id   ARGV[3] at (ms)
-- Returns { balance, applied (1 | 0) }
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
local raw = redis.call('HGET', KEYS[3], ARGV[2])
if not raw then return { balance, 0 } end
local hold = cjson.decode(raw)
if hold.state ~= 'held' then return { balance, 0 } end
hold.state = 'released'
hold.ledger = nil
redis.call('HSET', KEYS[3], ARGV[2], cjson.encode(hold))
balance = redis.call('HINCRBY', KEYS[1], 'balance', hold.amount)
redis.call('RPUSH', KEYS[2], cjson.encode({
  userId = ARGV[1], kind = 'release', amount = hold.amount, balance = balance, ref = ARGV[2], at = tonumber(ARGV[3]),
}))
return { balance, 1 }
