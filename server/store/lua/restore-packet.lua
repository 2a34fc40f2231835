-- Rebuilds one packet from the ledger (store/ledger/restore.ts): its record, its
-- remaining shares and its claims (so a user who grabbed answers 'already'), all at once or
-- not at all. Refused when the packet is already there, or was aborted.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] claims hash (userId -> claim JSON)
-- KEYS[4] abort tombstone
-- ARGV[1] static record JSON   ARGV[2] expiresAt (ms)   ARGV[3] remaining amount (fen)
-- ARGV[4] remaining count   ARGV[5] locked until listened (1 | 0)   ARGV[6] opensAt (ms; 0: none)
-- ARGV[7] claims made (the next claim's seq − 1)   ARGV[8] best claim JSON ('' for none)
-- ARGV[9] best amount ('' for none)
-- ARGV[10] JSON { shares = [fen…], claims = [[userId, claim JSON]…] }
-- ARGV[11] status ('open' | 'finished' | 'expired')   ARGV[12] ms to keep a closed one (0: no expiry)
-- Returns 'restored' | 'exists' | 'aborted'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if redis.call('EXISTS', KEYS[4]) == 1 then return 'aborted' end
local body = cjson.decode(ARGV[10])
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1],
  'record', ARGV[1], 'status', ARGV[11], 'expiresAt', ARGV[2],
  'remainingAmount', ARGV[3], 'remainingCount', ARGV[4], 'seq', ARGV[7], 'locked', ARGV[5])
if tonumber(ARGV[6]) > 0 then redis.call('HSET', KEYS[1], 'opensAt', ARGV[6]) end
if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'best', ARGV[8], 'bestAmount', ARGV[9]) end
for _, share in ipairs(body.shares) do redis.call('RPUSH', KEYS[2], share) end
for _, claim in ipairs(body.claims) do redis.call('HSET', KEYS[3], claim[1], claim[2]) end
if tonumber(ARGV[12]) > 0 then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[12]) end
end
return 'restored'
