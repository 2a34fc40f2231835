-- Marks a node alive until ARGV[3]; tells whether its previous record was still live and
-- none of its memberships were reaped since its last beat.
-- KEYS[1] alive sorted set (nodeId -> alive until, ms)   KEYS[2] reaped set (nodeIds)
-- ARGV[1] nodeId   ARGV[2] now (ms)   ARGV[3] alive until (ms)
-- Returns 1 ('alive'), or 0 ('late': no record, a lapsed one, or memberships were reaped —
-- the node must record its live memberships again)
local alive_until = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
local reaped = redis.call('SREM', KEYS[2], ARGV[1]) == 1
if not reaped and alive_until and tonumber(alive_until) >= tonumber(ARGV[2]) then return 1 end
return 0
