-- Checks the balance and debits it into a hold, atomically (ledgered as `hold`).
-- Refused (nothing written) when the balance is short; a repeat of an existing hold is a no-op.
-- KEYS[1] wallet hash   KEYS[2] ledger list   KEYS[3] holds hash (holdId -> JSON)
-- ARGV[1] userId   ARGV[2] hold id   ARGV[3] amount (fen)   ARGV[4] at (ms)
-- ARGV[5] the funded thing's ledger rows (JSON, kept while held; '' for none)
-- Returns { ok (1 | 0), balance }
local balance = tonumber(redis.call('HGET', KEYS[1], 'balance') or '0')
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  return { 1, balance }
end
local amount = tonumber(ARGV[3])
if balance < amount then
  return { 0, balance }
end
balance = redis.call('HINCRBY', KEYS[1], 'balance', -amount)
local hold = { holdId = ARGV[2], userId = ARGV[1], amount = amount, at = tonumber(ARGV[4]), state = 'held' }
if ARGV[5] ~= '' then hold.ledger = ARGV[5] end
redis.call('HSET', KEYS[3], ARGV[2], cjson.encode(hold))
redis.call('RPUSH', KEYS[2], cjson.encode({
  userId = ARGV[1], kind = 'hold', amount = -amount, balance = balance, ref = ARGV[2], at = tonumber(ARGV[4]),
}))
return { 1, balance }
