-- Credits a wallet for a claim or refund, once per claim id (ledgered as `credit`).
-- KEYS[1] wallet hash   KEYS[2] ledger list   KEYS[3] applied claim ids (set)
-- ARGV[1] userId   ARGV[2] claim id   ARGV[3] amount (fen)   ARGV[4] at (ms)
-- Returns { balance, applied (1 | 0) }
local wallet, ledger, credited = KEYS[1], KEYS[2], KEYS[3]
local user, claim_id, amount, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
-- @include _wallet-credit.lua
return { balance, applied }
