-- Included by wallet-apply-credit.lua and packet-grab-credit.lua (redis/scripts.ts expands
-- `-- @include`): credits a wallet once per claim id, ledgered as `credit`. Expects the locals `wallet`
-- (wallet hash), `ledger` (ledger list), `credited` (applied claim ids, a set), `user`,
-- `claim_id`, `amount` (fen) and `at` (ms); leaves `balance` (after the call) and `applied`
-- (1 when this call credited, 0 when the claim id was applied before).
local balance, applied = nil, 0
if redis.call('SADD', credited, claim_id) == 1 then
  balance = redis.call('HINCRBY', wallet, 'balance', amount)
  redis.call('RPUSH', ledger, cjson.encode({
    userId = user, kind = 'credit', amount = amount, balance = balance, ref = claim_id, at = at,
  }))
  applied = 1
else
  balance = tonumber(redis.call('HGET', wallet, 'balance') or '0')
end
