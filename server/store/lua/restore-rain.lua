-- Rebuilds one running rain from the ledger (store/ledger/restore-rains.ts): its record and
-- counters, its drops with their shares left, its claims (a user who won a drop answers
-- 'already') and its leaderboard, all at once or not at all. The lease is left free, so a
-- node's rain runner takes it over and drives the rain on. Refused when the rain is already
-- there, or was aborted.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] drop order list   KEYS[4] claims hash
-- KEYS[5] leaderboard zset   KEYS[6] board info hash   KEYS[7] abort tombstone
-- ARGV[1] JSON { fields = { name = value… }, drops = [[dropId, drop JSON]…] (timeline order),
--                claims = [["dropId\nuserId", fen]…], board = [[userId, fen, info JSON]…] }
-- Returns 'restored' | 'exists' | 'aborted'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if redis.call('EXISTS', KEYS[7]) == 1 then return 'aborted' end
local rain = cjson.decode(ARGV[1])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
for _, drop in ipairs(rain.drops) do
  redis.call('HSET', KEYS[2], drop[1], drop[2])
  redis.call('RPUSH', KEYS[3], drop[1])
end
for _, claim in ipairs(rain.claims) do redis.call('HSET', KEYS[4], claim[1], claim[2]) end
for _, entry in ipairs(rain.board) do
  redis.call('ZADD', KEYS[5], entry[2], entry[1])
  redis.call('HSET', KEYS[6], entry[1], entry[3])
end
-- The hash last: readers gate on it, so a rain is visible only once whole.
for name, value in pairs(rain.fields) do redis.call('HSET', KEYS[1], name, value) end
return 'restored'
