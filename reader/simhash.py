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
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass

from reader.text import normalise_line, tokens

BITS = 64
SHINGLE = 3


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    """Overlapping runs of ``size`` tokens of the normalised, lower-cased text."""
    return _shingles(_lowered_tokens(text), size)


def _shingles(words: list[str], size: int) -> list[str]:
    if len(words) <= size:
        return [" ".join(words)] if words else []
    if size == 3:  # the usual size, without a slice and a join per shingle
        return [f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def _lowered_tokens(text: str) -> list[str]:
    joined = _lowered_text(text)
    return joined.split(" ") if joined else []


def _lowered_text(text: str) -> str:
    """The lower-cased tokens joined by single spaces ("" for a text without tokens)."""
    # NFKC-normal text (most is) has the tokens of its normalise_line form, and ``tokens``
    # remembers the last text it split: in a worker, the extractor's word count of this text.
    words = tokens(text if unicodedata.is_normalized("NFKC", text) else normalise_line(text))
    # One lower() over the tokens joined by spaces equals lowering each token (no token holds
    # a space, and a space stops the final-sigma context as a token's edge does), and is cheaper.
    return " ".join(words).lower()


def simhash(text: str) -> int:
    """The unsigned 64-bit SimHash of ``text`` (0 for a text without tokens).

    Each shingle's 8-byte BLAKE2b digest (of its UTF-8 bytes) is read big-endian (byte 0
    holds bits 56-63). The per-bit counts come from whole columns at once: byte j of every
    digest as one big integer, masked to one bit per byte and popcounted, rather than a loop
    over shingles.
    """
    joined = _lowered_text(text)
    if not joined:
        return 0
    # The lowered tokens as UTF-8, cut at the spaces of the text encoded once (no multi-byte
    # character holds the space's byte): each shingle is joined from them as bytes.
    encoded = joined.encode().split(b" ")
    blake2b = hashlib.blake2b
    if len(encoded) <= SHINGLE:
        packed = blake2b(b" ".join(encoded), digest_size=8).digest()
    else:
        join = b" ".join
        runs = zip(*(encoded[i:] for i in range(SHINGLE)), strict=False)
        packed = b"".join([blake2b(join(run), digest_size=8).digest() for run in runs])
    count = len(packed) // 8
    masks = [int.from_bytes(bytes((1 << k,)) * count, "little") for k in range(8)]
    result = 0
    for j in range(8):
        column = int.from_bytes(packed[j::8], "little")
        for k in range(8):
            if 2 * (column & masks[k]).bit_count() > count:
                result |= 1 << (8 * (7 - j) + k)
    return result


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
        # A band value holds a list, not a set: with ~9-bit bands every value is shared by
        # len/512 keys, and a set's table costs about five times a list's per key.
        self._bands: list[dict[int, list[str]]] = [{} for _ in self._spans]

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
            band.setdefault(part, []).append(key)
        while len(self._entries) > self.capacity:
            self._remove(next(iter(self._entries)))

    def _remove(self, key: str) -> None:
        value, _ = self._entries.pop(key)
        for band, part in zip(self._bands, self._band_values(value), strict=True):
            keys = band.get(part)
            if keys is not None and key in keys:
                keys.remove(key)
                if not keys:
                    del band[part]

    def nearest(self, value: int, exclude: frozenset[str] = frozenset()) -> Match | None:
        """The closest indexed text within ``max_distance`` bits, other than ``exclude`` keys."""
        best: Match | None = None
        candidates: set[str] = set()
        for band, part in zip(self._bands, self._band_values(value), strict=True):
            candidates.update(band.get(part, ()))
        for key in candidates - exclude:
            other, url = self._entries[key]
            distance = hamming(value, other)
            if distance <= self.max_distance and (best is None or distance < best.distance):
                best = Match(key, url, distance)
        return best
