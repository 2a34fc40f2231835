-- The grab and its wallet credit in one atomic step, for a single Redis only (the packet's
-- and the wallet's keys live in different Redis Cluster slots; Cluster runs `grab` then
-- `apply-credit`). Pops one share for a user, records the claim, and credits the wallet once
-- per claim id by the same fragment as wallet-apply-credit.lua (_wallet-credit.lua) — so no outbox entry is
-- left to apply, unless ARGV[10] asks to keep one for the caller to ack (a PostgreSQL ledger:
-- the ack follows the commit, and the reconciler commits a claim whose node died first).
-- At most one claim per (packet, user): the claims hash is keyed by user.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] claims hash (userId -> JSON)
-- KEYS[4] outbox hash (claimId -> credit JSON; written only when ARGV[10] = '1')
-- KEYS[5] users who unlocked it by listening (set)
-- KEYS[6] wallet hash   KEYS[7] ledger list   KEYS[8] applied claim ids (set)
-- ARGV[1] packet id   ARGV[2] userId   ARGV[3] name   ARGV[4] at (ms)   ARGV[5] claim id
-- ARGV[6] the phrase the grab presents ('' for none)
-- ARGV[7] latitude   ARGV[8] longitude   ARGV[9] trusted accuracy, m (min(reported, cap));
--   all three '' when the grab presents no location
-- ARGV[10] '1': leave the (applied) credit in the outbox until it is acked; '' otherwise
-- A gated packet ('locked' = 1) is let through as in packet-grab.lua (domain/claim-gate.ts), the
-- location fence included.
-- Returns { 'missing' } | { 'expired' } (also once cancelled)
--       | { 'not-open', opensAt } (a timed packet before its opening)
--       | { 'locked' } | { 'forbidden' } | { 'empty' }
--       | { 'outside', radiusM, distanceM ('' without a location), expiresAt } (fenced, outside)
--       | { 'already', claim JSON }
--       | { 'claimed', claim JSON, fence distance ('' unfenced), shares left, static record JSON,
--           best claim JSON, balance } (packet-grab.lua's claimed reply, plus the new balance)
-- @include _packet-claim.lua
local wallet, ledger, credited, user, claim_id = KEYS[6], KEYS[7], KEYS[8], ARGV[2], ARGV[5]
-- @include _wallet-credit.lua
if ARGV[10] == '1' then
  redis.call('HSET', KEYS[4], claim_id, cjson.encode({
    claimId = claim_id, userId = user, amount = amount, sourceId = ARGV[1], reason = 'grab', at = at,
  }))
end
reply[#reply + 1] = balance
return reply
