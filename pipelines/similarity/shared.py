"""The near-duplicate index of a distributed crawl, shared by all workers in Redis.

The same bands as ``SimHashIndex``: one Redis set per (band, band value), whose members are
``<16 hex digits>\\t<key>\\t<url>``. Lookup and insertion are one Lua script, so of two
workers that meet the same syndicated story at the same moment, the second one to run the
script sees the first one's entry: the story is emitted once.

Bounded: an ``entries`` sorted set keeps insertion order; past ``capacity`` entries the
oldest are removed from their band sets (``where`` remembers which).

Whoever can write the queue can write these keys too: a member not in the shape above or a
key of the wrong type is removed inside the script, never raises, and is counted
(``redis/bad_state_entries``, ``redis/bad_state_entries/simhash_index``).
"""

from __future__ import annotations

import logging

import redis
from redis.typing import EncodableT

from crawler.distributed.connection import Guard
from reader.simhash import Match, band_spans

logger = logging.getLogger(__name__)

# KEYS: band sets (ARGV[4] of them), entries zset, where hash
# ARGV: member, max distance, capacity, band count, own keys...
# Returns {url, distance, key, bad} of the closest entry within max distance (not one of the
# own keys), else {bad} after adding the member; bad: members and keys found malformed (removed).
CHECK_AND_ADD = """
local bad = 0
local function parse(m)
  if not string.match(m, '^%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x\\t') then return nil end
  local t2 = string.find(m, '\\t', 18, true)
  if not t2 then return nil end
  return tonumber(string.sub(m, 1, 8), 16), tonumber(string.sub(m, 9, 16), 16),
         string.sub(m, 18, t2 - 1), string.sub(m, t2 + 1)
end
local function ensure(key, kind)
  local found = redis.call('TYPE', key).ok
  if found ~= 'none' and found ~= kind then
    redis.call('DEL', key)
    bad = bad + 1
  end
end
local function popcount(x)
  local n = 0
  while x ~= 0 do
    x = bit.band(x, x - 1)
    n = n + 1
  end
  return n
end
local hi, lo = parse(ARGV[1])
local limit = tonumber(ARGV[2])
local bands = tonumber(ARGV[4])
local own = {}
for i = 5, #ARGV do own[ARGV[i]] = true end
local best, best_key, best_url = limit + 1, nil, nil
local checked = {}
for i = 1, bands do
  ensure(KEYS[i], 'set')
  for _, m in ipairs(redis.call('SMEMBERS', KEYS[i])) do
    local h, l, key, url = parse(m)
    if not h then  -- (removed from every band it is in; counted once)
      redis.call('SREM', KEYS[i], m)
      if not checked[m] then bad = bad + 1 end
      checked[m] = true
    elseif not checked[m] then
      checked[m] = true
      if not own[key] then
        local d = popcount(bit.bxor(hi, h)) + popcount(bit.bxor(lo, l))
        if d < best then best, best_key, best_url = d, key, url end
      end
    end
  end
end
if best <= limit then return {best_url, best, best_key, bad} end
local entries, where = KEYS[bands + 1], KEYS[bands + 2]
ensure(entries, 'zset')
ensure(where, 'hash')
local t = redis.call('TIME')
local places = {}
for i = 1, bands do
  redis.call('SADD', KEYS[i], ARGV[1])
  places[i] = KEYS[i]
end
redis.call('ZADD', entries, tonumber(t[1]) + tonumber(t[2]) / 1e6, ARGV[1])
redis.call('HSET', where, ARGV[1], table.concat(places, ' '))
local excess = redis.call('ZCARD', entries) - tonumber(ARGV[3])
if excess > 0 then
  local popped = redis.call('ZPOPMIN', entries, math.min(excess, 100))
  for i = 1, #popped, 2 do
    local old = popped[i]
    local keys = redis.call('HGET', where, old)
    if keys then
      for band in string.gmatch(keys, '%S+') do redis.pcall('SREM', band, old) end
    end
    redis.call('HDEL', where, old)
  end
end
return {bad}
"""

# Forget an entry (its article was not delivered after all). KEYS: band sets, entries, where
# ARGV: member, band count
REMOVE = """
local bands = tonumber(ARGV[2])
for i = 1, bands do redis.pcall('SREM', KEYS[i], ARGV[1]) end
redis.pcall('ZREM', KEYS[bands + 1], ARGV[1])
redis.pcall('HDEL', KEYS[bands + 2], ARGV[1])
return 1
"""


class SharedSimHashIndex:
    """``SimHashIndex`` in Redis: ``check_and_add`` finds a near text or adds this one."""

    def __init__(
        self, server: redis.Redis, prefix: str, guard: Guard, capacity: int, max_distance: int
    ) -> None:
        if not 0 <= max_distance <= 15:
            raise ValueError("max_distance must be within 0..15")
        self.server = server
        self.prefix = prefix
        self.guard = guard
        self.capacity = capacity
        self.max_distance = max_distance
        self._spans = band_spans(max_distance)
        self._script = server.register_script(CHECK_AND_ADD)
        self._remove = server.register_script(REMOVE)

    def __len__(self) -> int:
        return self.size()

    def size(self, scope: str = "") -> int:
        entries = self._keys(0, scope)[-2]
        return int(self.guard.call("count the index", lambda: self.server.zcard(entries)))

    def _keys(self, value: int, scope: str) -> list[str]:
        """Band sets of ``value``, then the entries and where keys, of the index ``scope``
        ("" = crawl-wide; a site name keeps one site's stories apart from the others')."""
        base = f"{self.prefix}:{scope}" if scope else self.prefix
        bands = [
            f"{base}:band:{i}:{(value >> shift) & mask:x}"
            for i, (shift, mask) in enumerate(self._spans)
        ]
        return [*bands, f"{base}:entries", f"{base}:where"]

    def check_and_add(
        self,
        value: int,
        key: str,
        url: str,
        exclude: frozenset[str] = frozenset(),
        scope: str = "",
    ) -> Match | None:
        """The closest indexed text within ``max_distance`` bits (not one of ``exclude``);
        when there is none, ``value`` is indexed under ``key`` in the same atomic step."""
        member = self._member(value, key, url)
        keys = self._keys(value, scope)
        args: list[EncodableT] = [
            member,
            self.max_distance,
            self.capacity,
            len(self._spans),
            *exclude,
            key,
        ]
        found = self.guard.call("check near duplicates", lambda: self._script(keys, args))
        if found and found[-1]:
            self._count_bad(int(found[-1]), keys[0].rsplit(":band:", 1)[0])
        if not found or len(found) < 4:
            return None
        match_url, distance, match_key = (
            v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in found[:3]
        )
        return Match(str(match_key), str(match_url), int(distance))

    def _count_bad(self, count: int, index: str) -> None:
        """Malformed entries the script removed (written by someone who can write the keys)."""
        stats = self.guard.stats
        if stats is not None:
            stats.inc_value("redis/bad_state_entries", count)
            stats.inc_value("redis/bad_state_entries/simhash_index", count)
        logger.error("removed %d malformed entries of the near-duplicate index %s", count, index)

    def remove(self, value: int, key: str, url: str, scope: str = "") -> None:
        """Forget an entry ``check_and_add`` made, e.g. for an article dropped after dedupe."""
        keys = self._keys(value, scope)
        args: list[EncodableT] = [self._member(value, key, url), len(self._spans)]
        self.guard.call("forget a near-duplicate entry", lambda: self._remove(keys, args))

    @staticmethod
    def _member(value: int, key: str, url: str) -> str:
        return f"{value:016x}\t{key.replace(chr(9), ' ')}\t{url.replace(chr(9), ' ')}"
