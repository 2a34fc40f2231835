-- Grants or renews a rain's driving lease: only while the rain is active, and only if the
-- lease is free, expired, or already this node's. At most one holder at a time.
-- KEYS[1] rain hash
-- ARGV[1] node id   ARGV[2] now (ms)   ARGV[3] lease TTL (ms)
-- Returns { acquired (1 | 0), rain hash as field, value, … } ({ 0 } for an unknown rain)
if redis.call('EXISTS', KEYS[1]) == 0 then return { 0 } end
local status = redis.call('HGET', KEYS[1], 'status')
local owner = redis.call('HGET', KEYS[1], 'leaseOwner')
local now = tonumber(ARGV[2])
local acquired = 0
if (status == 'scheduled' or status == 'running')
  and (owner == ARGV[1] or owner == '' or tonumber(redis.call('HGET', KEYS[1], 'leaseUntil')) <= now) then
  redis.call('HSET', KEYS[1], 'leaseOwner', ARGV[1], 'leaseUntil', now + tonumber(ARGV[3]))
  acquired = 1
end
local result = { acquired }
for _, v in ipairs(redis.call('HGETALL', KEYS[1])) do result[#result + 1] = v end
return result
