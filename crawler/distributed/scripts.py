"""Lua scripts run inside Redis: each step of a request's life is one atomic script.

A request is always in exactly one place: the queue, a lease, or done. Times come from the
Redis clock (``TIME``), so workers on machines with skewed clocks agree on lease deadlines.
"""

# Queue a request unless its fingerprint was seen (and within the site's page budget); in the
# same step, hand back the lease of the request it replaces (a redirect or a retry), so a crash
# can never leave the work both queued and leased, nor neither.
# KEYS: queue, dupefilter, leases, lease_data, pages counter
# ARGV: payload, score, fingerprint ("" = don't filter), lease to release ("" = none), budget
# Returns 1 queued, 0 seen before, 2 over the site's page budget.
PUSH = """
local result = 1
if ARGV[3] ~= '' then
  if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then
    result = 0
  elseif tonumber(ARGV[5]) > 0 and redis.call('INCR', KEYS[5]) > tonumber(ARGV[5]) then
    result = 2
  end
end
if result == 1 then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
end
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('HDEL', KEYS[4], ARGV[4])
end
return result
"""

# Take the best request and lease it to a worker until now + lease ms. An entry longer than
# the limit is not something a worker wrote: it is removed, not leased, and only its first
# bytes go back (the worker logs and counts it), so no worker ever holds a huge entry.
# KEYS: queue, leases, lease_data, lease_seq   ARGV: lease ms, worker id, max entry bytes
# Returns {lease id, payload, size}, {"", first bytes, size} for a removed entry, or nil when
# the queue is empty.
POP = """
local top = redis.call('ZPOPMIN', KEYS[1])
if #top == 0 then return nil end
local size = string.len(top[1])
if tonumber(ARGV[3]) > 0 and size > tonumber(ARGV[3]) then
  return {'', string.sub(top[1], 1, 200), size}
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- The Redis time in the id keeps ids unique even if a crash without fsync rewinds the counter.
local id = ARGV[2] .. ':' .. redis.call('INCR', KEYS[4]) .. ':' .. now
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), id)
redis.call('HSET', KEYS[3], id, top[2] .. ' ' .. top[1])
return {id, top[1], size}
"""

# Extend the leases a live worker still holds. KEYS: leases   ARGV: lease ms, ids...
# Returns the ids that are gone (expired and taken back): their work is no longer ours.
RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
local lost = {}
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[1], deadline, ARGV[i])
  else
    table.insert(lost, ARGV[i])
  end
end
return lost
"""

# The leased request is done: forget it, and its article claims become final ("done").
# KEYS: leases, lease_data, the lease's claim list   ARGV: id
# Returns 1, or 0 when the lease had already expired (someone else may redo the work).
ACK = """
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
for _, claim in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local v = redis.pcall('GET', claim)  -- (a key of another type is not a claim: skipped)
  if type(v) == 'string' and string.sub(v, 1, #ARGV[1] + 1) == ARGV[1] .. ' ' then
    redis.call('SET', claim, 'done ' .. string.sub(v, #ARGV[1] + 2))
  end
end
redis.call('DEL', KEYS[3])
return removed
"""

# Before a leased page's article is written: is the lease still ours (the fence), and did
# another page already deliver this article (same canonical URL or same text) in this crawl?
# A claim belongs to a lease until the lease is acked ("done"); a claim whose lease expired
# (its worker died before writing) is taken over, so a crash never makes an article a
# "duplicate" of a copy that was never written.
# KEYS: leases, this lease's claim list, claim keys...   ARGV: lease id, url, lease ms
# Returns "" (write it), "lost" (lease expired: don't), or the URL that has the article.
CLAIM = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 'lost' end
for i = 3, #KEYS do
  local v = redis.pcall('GET', KEYS[i])
  local space = type(v) == 'string' and string.find(v, ' ', 1, true)
  if space then  -- (a value not "<owner> <url>" is not a claim: taken over)
    local owner = string.sub(v, 1, space - 1)
    if owner ~= ARGV[1] and (owner == 'done' or redis.call('ZSCORE', KEYS[1], owner)) then
      return string.sub(v, space + 1)
    end
  end
end
local t = redis.call('TIME')
local deadline = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], 'XX', deadline, ARGV[1])
for i = 3, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1] .. ' ' .. ARGV[2])
  redis.call('SADD', KEYS[2], KEYS[i])
end
return ''
"""

# The line of a leased page's article is durably written: its claims are final now ("done"),
# before the page's lease is released, so a page handed back after that (its worker stopped on
# a failed write of a later line) does not deliver the article a second time. The claims of an
# article whose line did not land are left as they are: they lapse with the lease.
# KEYS: the lease's claim list   ARGV: lease id, url
# Returns how many claims became final.
CONFIRM = """
local mine = ARGV[1] .. ' ' .. ARGV[2]
local n = 0
for _, claim in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.pcall('GET', claim) == mine then
    redis.call('SET', claim, 'done ' .. ARGV[2])
    redis.call('SREM', KEYS[1], claim)
    n = n + 1
  end
end
return n
"""

# Put expired leases (their worker died or stalled) back in the queue; a request that has
# expired more than max attempts times goes to the dead hash instead of looping for ever.
# KEYS: queue, leases, lease_data, dead   ARGV: max attempts, batch size, claim-list prefix
# Returns {requeued, dead}.
REAP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local requeued, dead = 0, 0
for _, id in ipairs(ids) do
  local entry = redis.call('HGET', KEYS[3], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('DEL', ARGV[3] .. id)
  local space = entry and string.find(entry, ' ', 1, true)
  if entry and not (space and tonumber(string.sub(entry, 1, space - 1))) then
    redis.call('HSET', KEYS[4], id, entry)  -- not "<score> <payload>": park it
    dead = dead + 1
  elseif entry then
    local score = string.sub(entry, 1, space - 1)
    local payload = string.sub(entry, space + 1)
    local ok, request = pcall(cjson.decode, payload)
    if not ok or type(request) ~= 'table' then
      redis.call('HSET', KEYS[4], id, payload)  -- not JSON: park it, never loop on it
      dead = dead + 1
    else
    request['attempts'] = (tonumber(request['attempts']) or 0) + 1
    if request['attempts'] > tonumber(ARGV[1]) then
      redis.call('HSET', KEYS[4], id, cjson.encode(request))
      dead = dead + 1
    else
      redis.call('ZADD', KEYS[1], tonumber(score), cjson.encode(request))
      requeued = requeued + 1
    end
    end
  end
end
return {requeued, dead}
"""

# Shared per-host politeness: at most one request per interval across all workers.
# KEYS: rate key of the host   ARGV: interval ms, worker id
# Returns 0 when the caller may go now, else the ms to wait before asking again.
RATE = """
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 1 then return 1 end
return left
"""
