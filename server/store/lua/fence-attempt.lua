-- Logs one claim attempt on a fenced packet and counts the user's refused attempts on it.
-- KEYS[1] the packet's claim-location log (list, newest first)
-- KEYS[2] refused attempts per user (hash userId -> count); both under the packet's tag {p:…}
-- ARGV[1] attempt JSON   ARGV[2] userId   ARGV[3] inside (1 | 0)   ARGV[4] entries kept
-- ARGV[5] keep until (ms epoch; both keys expire then)
-- Returns the user's refused attempts on the packet, this one included
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[4]) - 1)
local refused
if ARGV[3] == '1' then
  refused = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
else
  refused = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
end
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
redis.call('PEXPIREAT', KEYS[2], ARGV[5])
return refused
