-- Candidates for a nearby search: drops entries expired at `now` (at most 1,000 per call),
-- then answers the entries of up to `count` fence centres within `radius` metres of the point
-- by Redis geo distance (nearest first), then of up to `count` polar centres within
-- `polar radius` of the turned point (nearest first). The caller recomputes exact distances
-- (domain/geo-fence.ts), so each radius carries a little slack. Every list here is bounded:
-- `count` is capped at 500, so at most 1,000 ids are read (never a whole set).
-- KEYS[1] geo set   KEYS[2] expiry zset   KEYS[3] entries hash   KEYS[4] polar geo set
-- (one slot, `{geo}`)
-- ARGV[1] lng   ARGV[2] lat (clamped to ±85.05112878 by the caller)   ARGV[3] radius (m)
-- ARGV[4] now (ms)   ARGV[5] count
-- ARGV[6] turned lng   ARGV[7] turned lat (clamped)   ARGV[8] polar radius (m)
-- Returns { entry JSON, … }
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
local count = math.min(tonumber(ARGV[5]), 500)
local out = {}
local function collect(ids)
  for _, id in ipairs(ids) do
    local entry = redis.call('HGET', KEYS[3], id)
    if entry then out[#out + 1] = entry end
  end
end
collect(redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', ARGV[1], ARGV[2],
  'BYRADIUS', ARGV[3], 'm', 'ASC', 'COUNT', count))
collect(redis.call('GEOSEARCH', KEYS[4], 'FROMLONLAT', ARGV[6], ARGV[7],
  'BYRADIUS', ARGV[8], 'm', 'ASC', 'COUNT', count))
return out
