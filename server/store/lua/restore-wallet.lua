-- Rebuilds one wallet from the ledger (store/ledger/restore.ts), all at once or not at all.
-- Refused when the wallet is already there: a re-run restores only what is missing.
-- KEYS[1] wallet hash   KEYS[2] ledger list   KEYS[3] applied mint ids (set)
-- KEYS[4] credited claim ids (set)   KEYS[5] holds hash (holdId -> JSON)
-- ARGV[1] balance (fen)   ARGV[2] minted (fen)
-- ARGV[3] JSON { ledger = [entry JSON…], mints = [id…], credits = [claim id…],
--                holds = [[holdId, hold JSON]…] }, entries oldest first
-- Returns 'restored' | 'exists'
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 'exists' end
local wallet = cjson.decode(ARGV[3])
for _, entry in ipairs(wallet.ledger) do redis.call('RPUSH', KEYS[2], entry) end
for _, id in ipairs(wallet.mints) do redis.call('SADD', KEYS[3], id) end
for _, id in ipairs(wallet.credits) do redis.call('SADD', KEYS[4], id) end
for _, hold in ipairs(wallet.holds) do redis.call('HSET', KEYS[5], hold[1], hold[2]) end
redis.call('HSET', KEYS[1], 'balance', ARGV[1], 'minted', ARGV[2])
return 'restored'
