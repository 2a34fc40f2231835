-- Marks a node alive until ARGV[3]; tells whether its previous record was still live.
-- KEYS[1] alive sorted set (nodeId -> alive until, ms)
-- ARGV[1] nodeId   ARGV[2] now (ms)   ARGV[3] alive until (ms)
-- Returns 1 when the node had a live record ('alive'), 0 when it had none or it had lapsed ('late')
local alive_until = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
if alive_until and tonumber(alive_until) >= tonumber(ARGV[2]) then return 1 end
return 0
