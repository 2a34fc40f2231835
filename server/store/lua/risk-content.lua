-- Counts one content-screening refusal (CONTENT_BLOCKED) of a user, atomically.
-- Mirrors MemoryRisk.countContentBlock.
-- KEYS[1] the user's strikes hash (total, lastAt, lastList, lastWhere, l:<list> per list)
-- ARGV[1] list name   ARGV[2] where (chat, greeting, …)   ARGV[3] now (ms)   ARGV[4] TTL (ms)
-- Returns the hash after the count, flat (HGETALL)
redis.call('HINCRBY', KEYS[1], 'total', 1)
redis.call('HINCRBY', KEYS[1], 'l:' .. ARGV[1], 1)
redis.call('HSET', KEYS[1], 'lastAt', ARGV[3], 'lastList', ARGV[1], 'lastWhere', ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return redis.call('HGETALL', KEYS[1])
