-- Saves a user's listen of a karaoke packet's song if nobody saved it since it was read
-- (compare-and-set on its version); an unlocked listen lets the user grab, atomically.
-- KEYS[1] listens hash (userId -> JSON with version)   KEYS[2] unlocked users (set)
-- ARGV[1] userId   ARGV[2] expected version (0 = none stored)   ARGV[3] listen JSON (version
-- already set to expected + 1)   ARGV[4] unlocked (1 | 0)
-- Returns 1 if saved, 0 on a version conflict
local current = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if current then version = cjson.decode(current).version end
if version ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) end
return 1
