-- Creates a scheduled rain holding every drop's shares in escrow. Idempotent; refused for
-- good once abort-rain has tombstoned the id.
-- KEYS[1] rain hash   KEYS[2] drops hash (dropId -> JSON)   KEYS[3] drop order list
-- KEYS[4] abort tombstone
-- ARGV[1] static record JSON   ARGV[2] total (fen)   ARGV[3] startAt (ms)   ARGV[4] drop TTL (ms)
-- ARGV[5] per-user grab cap (0 = none)   ARGV[6..] dropId, drop JSON { i, r = 0, n, s = [...] }, …
-- Returns 'created' | 'exists' | 'aborted'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
if redis.call('EXISTS', KEYS[4]) == 1 then return 'aborted' end
redis.call('HSET', KEYS[1],
  'record', ARGV[1], 'status', 'scheduled', 'startAt', ARGV[3], 'ttl', ARGV[4], 'cap', ARGV[5],
  'released', 0, 'lastReleaseAt', 0, 'paid', 0, 'grabs', 0, 'refunded', 0,
  'remainingAmount', ARGV[2], 'endedAt', 0, 'leaseOwner', '', 'leaseUntil', 0)
local fields, ids = {}, {}
for i = 6, #ARGV, 2 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  ids[#ids + 1] = ARGV[i]
  if #ids == 500 then
    redis.call('HSET', KEYS[2], unpack(fields))
    redis.call('RPUSH', KEYS[3], unpack(ids))
    fields, ids = {}, {}
  end
end
if #ids > 0 then
  redis.call('HSET', KEYS[2], unpack(fields))
  redis.call('RPUSH', KEYS[3], unpack(ids))
end
return 'created'
