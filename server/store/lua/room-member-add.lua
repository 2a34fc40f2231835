-- Adds one connection of a user to a room. Idempotent per connection.
-- KEYS[1] connections hash (connId -> userId)   KEYS[2] users hash (userId -> connection count)
-- ARGV[1] userId   ARGV[2] connection id
-- Returns the number of distinct users in the room
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
end
return redis.call('HLEN', KEYS[2])
