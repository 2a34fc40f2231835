-- Gives a rain's lease back, if this node holds it, so another node takes over at once.
-- KEYS[1] rain hash
-- ARGV[1] node id
-- Returns 1 if released, else 0
if redis.call('HGET', KEYS[1], 'leaseOwner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'leaseOwner', '', 'leaseUntil', 0)
return 1
