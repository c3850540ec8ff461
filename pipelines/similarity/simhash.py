"""64-bit SimHash over token shingles, and an index that finds hashes a few bits apart.

Two texts that share most of their 3-token shingles get hashes within a few bits of each
other (Charikar 2002; Manku et al. 2007 use 64 bits and distance <= 3 for web pages).
Tokens are words, CJK characters counting one each, so Chinese text shingles by characters.

The index splits the hash into ``k + 1`` bands: two hashes within ``k`` bits agree exactly on
at least one band (pigeonhole), so a lookup only compares the entries sharing a band
(about ``n * (k + 1) / 2**(64 / (k + 1))`` of ``n``). Memory is bounded: past ``capacity``
entries the least recently added is evicted.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from pipelines.extraction.text import normalise_line, tokens

BITS = 64
SHINGLE = 3
_MASK = (1 << BITS) - 1


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Overlapping runs of ``size`` tokens of the normalised, lower-cased text."""
    words = [t.lower() for t in tokens(normalise_line(text))]
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


# Bit counting without a loop over the 64 bits of every shingle: each byte value of a hash
# is "spread" into 8 lanes of _LANE bits, one lane per bit; adding the spread values of all
# shingles (one big-integer addition each) counts, per bit, the shingles that have it set.
_LANE = 24
_LANE_MASK = (1 << _LANE) - 1
_SPREAD = [
    [sum(((byte >> k) & 1) << ((8 * j + k) * _LANE) for k in range(8)) for byte in range(256)]
    for j in range(8)
]


def simhash(text: str) -> int:
    """The unsigned 64-bit SimHash of ``text`` (0 for a text without tokens)."""
    s0, s1, s2, s3, s4, s5, s6, s7 = _SPREAD
    total = 0
    count = 0
    for shingle in shingles(text):
        d = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
        # digest is big-endian: d[7] holds bits 0-7, d[0] bits 56-63.
        total += (
            s0[d[7]] + s1[d[6]] + s2[d[5]] + s3[d[4]] + s4[d[3]] + s5[d[2]] + s6[d[1]] + s7[d[0]]
        )
        count += 1
    result = 0
    for bit in range(BITS):
        if 2 * ((total >> (bit * _LANE)) & _LANE_MASK) > count:
            result |= 1 << bit
    return result & _MASK


def hamming(a: int, b: int) -> int:
    """Number of differing bits."""
    return (a ^ b).bit_count()


def band_spans(max_distance: int) -> list[tuple[int, int]]:
    """(shift, mask) of the ``max_distance + 1`` bands a 64-bit hash is split into."""
    bands = max_distance + 1
    edges = [round(i * BITS / bands) for i in range(bands + 1)]
    return [(lo, (1 << (hi - lo)) - 1) for lo, hi in zip(edges, edges[1:], strict=False)]


@dataclass(frozen=True)
class Match:
    """An indexed text near the queried one."""

    key: str
    url: str
    distance: int


class SimHashIndex:
    """Bounded set of (simhash, key, url) answering "is anything within k bits of this?"."""

    def __init__(self, capacity: int, max_distance: int = 6) -> None:
        if not 0 <= max_distance <= 15:
            raise ValueError("max_distance must be within 0..15")
        self.capacity = capacity
        self.max_distance = max_distance
        self._spans = band_spans(max_distance)
        self._entries: OrderedDict[str, tuple[int, str]] = OrderedDict()
        self._bands: list[dict[int, set[str]]] = [{} for _ in self._spans]

    def __len__(self) -> int:
        return len(self._entries)

    def _band_values(self, value: int) -> list[int]:
        return [(value >> shift) & mask for shift, mask in self._spans]

    def add(self, value: int, key: str, url: str) -> None:
        """Index ``key``'s text hash (replacing an older hash of the same key)."""
        if key in self._entries:
            self._remove(key)
        self._entries[key] = (value, url)
        for band, part in zip(self._bands, self._band_values(value), strict=True):
            band.setdefault(part, set()).add(key)
        while len(self._entries) > self.capacity:
            self._remove(next(iter(self._entries)))

    def _remove(self, key: str) -> None:
        value, _ = self._entries.pop(key)
        for band, part in zip(self._bands, self._band_values(value), strict=True):
            keys = band.get(part)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del band[part]

    def nearest(self, value: int, exclude: frozenset[str] = frozenset()) -> Match | None:
        """The closest indexed text within ``max_distance`` bits, other than ``exclude`` keys."""
        best: Match | None = None
        candidates: set[str] = set()
        for band, part in zip(self._bands, self._band_values(value), strict=True):
            candidates |= band.get(part, set())
        for key in candidates - exclude:
            other, url = self._entries[key]
            distance = hamming(value, other)
            if distance <= self.max_distance and (best is None or distance < best.distance):
                best = Match(key, url, distance)
        return best
