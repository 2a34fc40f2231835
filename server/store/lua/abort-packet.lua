-- Makes sure a packet can never be created: leaves a tombstone unless it already exists.
-- KEYS[1] packet hash   KEYS[2] abort tombstone
-- Returns 'aborted' | 'exists'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
redis.call('SET', KEYS[2], '1')
return 'aborted'
