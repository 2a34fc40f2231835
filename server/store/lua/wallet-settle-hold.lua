-- Marks a held hold settled (its money now sits in escrow). No wallet change. Idempotent.
-- KEYS[1] holds hash
-- ARGV[1] hold id
-- Returns 1 if this call settled it, else 0 (already settled or released, or unknown)
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local hold = cjson.decode(raw)
if hold.state ~= 'held' then return 0 end
hold.state = 'settled'
hold.ledger = nil
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(hold))
return 1
