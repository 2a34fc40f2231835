-- Makes sure a packet or rain can never be created: leaves a tombstone unless it exists.
-- KEYS[1] the packet or rain hash   KEYS[2] its abort tombstone
-- Returns 'aborted' | 'exists'
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
redis.call('SET', KEYS[2], '1')
return 'aborted'
