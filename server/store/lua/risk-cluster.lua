-- Account clustering for one packet or rain: which accounts won from each device id and
-- each address. Fields are 'device:<id>' and 'ip:<address>'; members a comma-joined list.
-- Mode 'record' adds every winner and reports the fields now over their limit; mode 'admit'
-- (enforcing) adds one winner only if no field would go over — else writes nothing.
-- Idempotent per (source, user, field).
-- KEYS[1] the source's cluster hash (field -> members)
-- ARGV[1] expire at (ms)   ARGV[2] max accounts per device   ARGV[3] max per address (0 = none)
-- ARGV[4] mode ('record' | 'admit')
-- ARGV[5] the winners, one per line: userId TAB ip TAB deviceId ('' when unknown)
-- Returns { field, members, field, members, … }: record → the fields over their limit;
--         admit → empty when admitted, else the first field that refused it
local maxDevice, maxIp, mode = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local function join(field, uid)
  local current = redis.call('HGET', KEYS[1], field) or ''
  local count, found = 0, false
  for member in string.gmatch(current, '[^,]+') do
    count = count + 1
    if member == uid then found = true end
  end
  local members = current
  if not found then
    members = (current == '') and uid or (current .. ',' .. uid)
    count = count + 1
  end
  local limit = (string.sub(field, 1, 7) == 'device:') and maxDevice or maxIp
  return members, (limit > 0 and count > limit)
end

local out, order, hits = {}, {}, {}
for line in string.gmatch(ARGV[5], '[^\n]+') do
  local uid, ip, device = string.match(line, '^([^\t]*)\t([^\t]*)\t([^\t]*)$')
  local fields = {}
  if device ~= '' then fields[#fields + 1] = 'device:' .. device end
  if ip ~= '' then fields[#fields + 1] = 'ip:' .. ip end
  local joined = {}
  for _, field in ipairs(fields) do
    local members, over = join(field, uid)
    joined[#joined + 1] = { field, members, over }
  end
  if mode == 'admit' then
    for _, j in ipairs(joined) do
      if j[3] then return { j[1], j[2] } end
    end
  end
  for _, j in ipairs(joined) do
    redis.call('HSET', KEYS[1], j[1], j[2])
    if j[3] then
      if not hits[j[1]] then order[#order + 1] = j[1] end
      hits[j[1]] = j[2]
    end
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
if mode == 'admit' then return {} end
for _, field in ipairs(order) do
  out[#out + 1] = field
  out[#out + 1] = hits[field]
end
return out
