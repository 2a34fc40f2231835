-- Pops one share for a user and records the claim and its outbox credit, atomically.
-- At most one claim per (packet, user): the claims hash is keyed by user.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] claims hash (userId -> JSON)
-- KEYS[4] outbox hash (claimId -> credit JSON)   KEYS[5] users who unlocked it by listening (set)
-- ARGV[1] packet id   ARGV[2] userId   ARGV[3] name   ARGV[4] at (ms)   ARGV[5] claim id
-- ARGV[6] the phrase the grab presents ('' for none)
-- ARGV[7] latitude   ARGV[8] longitude   ARGV[9] trusted accuracy, m (min(reported, cap));
--   all three '' when the grab presents no location
-- A gated packet ('locked' = 1) is let through as domain/claim-gate.ts says: an exclusive one
-- only for its owner ('forbidden'), a karaoke or password one for users in KEYS[5] or, for a
-- password packet, a grab presenting its phrase ('locked'); a fenced one, before all that,
-- only for a grab presenting a location inside it ('outside'; domain/geo-fence.ts).
-- Returns { 'missing' } | { 'expired' } (also once cancelled)
--       | { 'not-open', opensAt } (a timed packet before its opening) | { 'locked' } | { 'forbidden' }
--       | { 'outside', radiusM, distanceM ('' without a location), expiresAt } (a fenced
--         packet, outside) | { 'empty' } | { 'already', claim JSON }
--       | { 'claimed', claim JSON, fence distance ('' unfenced), shares left,
--           static record JSON, best claim JSON }
-- @include _packet-claim.lua
redis.call('HSET', KEYS[4], ARGV[5], cjson.encode({
  claimId = ARGV[5], userId = ARGV[2], amount = amount, sourceId = ARGV[1], reason = 'grab', at = at,
}))
return reply
