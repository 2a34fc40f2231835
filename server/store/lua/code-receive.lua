-- A user's receive code (收款码): reads the current version, or issues the next one.
-- KEYS[1] the user's receive-code hash (version, name, amount, note, issuedAt)
-- ARGV[1] 'current' (issue version 1 only if none exists) | 'renew' (always issue the next)
-- ARGV[2] owner's name   ARGV[3] fixed amount in fen ('' for none)   ARGV[4] note
-- ARGV[5] at (ms)
-- Returns the hash as field, value, … after the call.
if ARGV[1] == 'renew' or redis.call('EXISTS', KEYS[1]) == 0 then
  local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('HSET', KEYS[1], 'name', ARGV[2], 'amount', ARGV[3], 'note', ARGV[4], 'issuedAt', ARGV[5])
end
return redis.call('HGETALL', KEYS[1])
