-- Creates an open packet holding its pre-split shares in escrow. Idempotent; refused for good
-- once abort-packet has tombstoned the id.
-- KEYS[1] packet hash   KEYS[2] shares list   KEYS[3] abort tombstone
-- ARGV[1] static record JSON   ARGV[2] expiresAt (ms)   ARGV[3] total (fen)   ARGV[4] count
-- ARGV[5] locked until listened (1 | 0)   ARGV[6] opensAt (ms; 0: open at once)
-- ARGV[7..] the shares (fen)
-- Returns 'created' | 'exists' | 'aborted'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'aborted' end
redis.call('HSET', KEYS[1],
  'record', ARGV[1], 'status', 'open', 'expiresAt', ARGV[2],
  'remainingAmount', ARGV[3], 'remainingCount', ARGV[4], 'seq', 0, 'locked', ARGV[5])
if tonumber(ARGV[6]) > 0 then redis.call('HSET', KEYS[1], 'opensAt', ARGV[6]) end
local chunk = {}
for i = 7, #ARGV do
  chunk[#chunk + 1] = ARGV[i]
  if #chunk == 1000 then
    redis.call('RPUSH', KEYS[2], unpack(chunk))
    chunk = {}
  end
end
if #chunk > 0 then redis.call('RPUSH', KEYS[2], unpack(chunk)) end
return 'created'
