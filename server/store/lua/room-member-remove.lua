-- Removes one connection from a room. Idempotent.
-- KEYS[1] connections hash (connId -> userId)   KEYS[2] users hash (userId -> connection count)
-- ARGV[1] connection id
-- Returns the number of distinct users in the room
local user = redis.call('HGET', KEYS[1], ARGV[1])
if user then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then redis.call('HDEL', KEYS[2], user) end
end
return redis.call('HLEN', KEYS[2])
