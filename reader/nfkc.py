"""``unicodedata.normalize("NFKC", text)``, the same string, in a fraction of the time on CJK text.

CPython normalises a whole string once its quick check fails, and Chinese text fails it
on its first full-width comma: about 0.1 µs a character, half a millisecond for an
article, where the characters NFKC changes are one in ten or fewer. Two facts of Unicode
normalisation make it piecewise, with the same result:

- Replacing any character by its own NFKC form leaves the string's NFKD, hence its NFKC,
  as it was (NFKD(NFKC(c)) is NFKD(c), and NFKD is the characters' decompositions in
  order, canonically reordered). The full-width punctuation of CJK text is replaced so, by
  ``str.replace`` (a scan in C each) where the text holds it.
- A character NFKC leaves as it is, that is a starter (combining class 0) and that no
  composition takes as its second part, is a boundary: nothing before it interacts with
  anything after it. So each run of other characters is normalised with the one boundary
  character before it (which may compose with the run), and the rest is kept as it is.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The full-width characters of CJK punctuation and the ideographic space: most of what NFKC
# changes in Chinese and Japanese text.
_WIDE = tuple(
    (wide, unicodedata.normalize("NFKC", wide))
    for wide in "，：；？！（）％＋－＝／　０１２３４５６７８９"
)


def _second_parts() -> set[int]:
    """The characters of the Basic Multilingual Plane some canonical composition takes as its
    second part (they compose with the character before them), Hangul's vowel and trailing
    jamo among them."""
    found = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x10000):
        decomposition = unicodedata.decomposition(chr(cp))
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                found.add(int(parts[1], 16))
    return found


@lru_cache(maxsize=1)
def _not_boundary() -> re.Pattern[str]:
    """A run of the characters that are not boundaries (see the module's docstring); every
    character past the Basic Multilingual Plane counts as one (rare in text, cheaper to
    build)."""
    second = _second_parts()
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        char = chr(cp)
        boundary = (
            not 0xD800 <= cp <= 0xDFFF
            and unicodedata.combining(char) == 0
            and cp not in second
            and unicodedata.is_normalized("NFKC", char)
        )
        if boundary:
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    members = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{members}\U00010000-\U0010ffff]+")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    for wide, narrow in _WIDE:
        if wide in text:
            text = text.replace(wide, narrow)
    pieces: list[str] = []
    at = 0
    for run in _not_boundary().finditer(text):
        start = run.start()
        if start > at:  # the boundary before the run may compose with its first character
            start -= 1
            pieces.append(text[at:start])
        pieces.append(unicodedata.normalize("NFKC", text[start : run.end()]))
        at = run.end()
    if not pieces:
        return text
    pieces.append(text[at:])
    return "".join(pieces)
