-- Candidates for a nearby search: drops entries expired at `now` (at most 1,000 per call),
-- then answers the entries of up to `count` fence centres within `radius` metres of the
-- point by Redis geo distance (nearest first), followed by every polar entry. The caller
-- recomputes exact distances (domain/geo-fence.ts), so `radius` carries a little slack.
-- KEYS[1] geo set   KEYS[2] expiry zset   KEYS[3] entries hash   KEYS[4] polar set (one slot, `{geo}`)
-- ARGV[1] lng   ARGV[2] lat (clamped to ±85.05112878 by the caller)   ARGV[3] radius (m)
-- ARGV[4] now (ms)   ARGV[5] count
-- Returns { entry JSON, … }
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('SREM', KEYS[4], id)
end
local ids = redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', ARGV[1], ARGV[2],
  'BYRADIUS', ARGV[3], 'm', 'ASC', 'COUNT', tonumber(ARGV[5]))
for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do ids[#ids + 1] = id end
if #ids == 0 then return {} end
local out = {}
for _, entry in ipairs(redis.call('HMGET', KEYS[3], unpack(ids))) do
  if entry then out[#out + 1] = entry end
end
return out
