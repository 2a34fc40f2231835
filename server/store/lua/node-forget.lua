-- Removes a node's liveness record (and its reaped mark) if the record is still lapsed; a
-- node that beat again stays, and keeps its mark so its next beat answers 'late'.
-- KEYS[1] alive sorted set (nodeId -> alive until, ms)   KEYS[2] reaped set (nodeIds)
-- ARGV[1] nodeId   ARGV[2] now (ms)
-- Returns 1 when the record is gone, 0 when the node is alive again
local alive_until = redis.call('ZSCORE', KEYS[1], ARGV[1])
if alive_until and tonumber(alive_until) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
