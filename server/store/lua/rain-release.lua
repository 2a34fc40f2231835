-- Records drops as released, fenced by the lease and the release cursor, so every drop is
-- released at most once whoever drives; renews the lease; starts a scheduled rain.
-- KEYS[1] rain hash   KEYS[2] drops hash   KEYS[3] drop order list
-- ARGV[1] node id   ARGV[2] from (drops released so far, as the caller believes)   ARGV[3] now (ms)
-- ARGV[4] lease TTL (ms)   ARGV[5..] the drop ids, in timeline order from `from`
-- Returns { 'ok', started (1 | 0) } | { 'closed' } | { 'lease-lost' } | { 'cursor-moved' }
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'scheduled' and status ~= 'running' then return { 'closed' } end
if redis.call('HGET', KEYS[1], 'leaseOwner') ~= ARGV[1] then return { 'lease-lost' } end
local from = tonumber(ARGV[2])
if tonumber(redis.call('HGET', KEYS[1], 'released')) ~= from then return { 'cursor-moved' } end
local now = tonumber(ARGV[3])
-- Check every id before writing anything (Redis does not roll a script back on error).
for i = 5, #ARGV do
  local index = from + i - 5
  if redis.call('LINDEX', KEYS[3], index) ~= ARGV[i] then
    return redis.error_reply('drop ' .. ARGV[i] .. ' is not drop #' .. index)
  end
end
for i = 5, #ARGV do
  local drop = cjson.decode(redis.call('HGET', KEYS[2], ARGV[i]))
  drop.r = now
  redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(drop))
end
local count = #ARGV - 4
if count > 0 then
  redis.call('HINCRBY', KEYS[1], 'released', count)
  redis.call('HSET', KEYS[1], 'lastReleaseAt', now)
end
redis.call('HSET', KEYS[1], 'leaseUntil', now + tonumber(ARGV[4]))
local started = 0
if status == 'scheduled' and now >= tonumber(redis.call('HGET', KEYS[1], 'startAt')) then
  redis.call('HSET', KEYS[1], 'status', 'running')
  started = 1
end
return { 'ok', started }
