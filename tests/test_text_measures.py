"""The text measures and SimHash give what their plain definitions give, on any text.

Tokens, word counts and template block keys are compared with their first, plain
definitions on generated text; the one fact the block key's shortcut rests on (every
whitespace character but the space is unprintable) is checked on every code point.

SimHash values are stored across runs (the near-duplicate index of earlier crawls), so the
fast implementation is compared with the textbook one, shingle by shingle and bit by bit,
on generated texts: Latin, CJK, mixed case, text that is not NFKC-normal, Greek sigma.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import unicodedata

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.cjk import CJK  # noqa: E402
from reader.simhash import SHINGLE, simhash  # noqa: E402
from reader.text import block_key, normalise_line, tokens, word_count  # noqa: E402

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
WORDS = [
    "The", "council", "APPROVED", "the", "budget", "Ünïcode", "ΟΔΟΣ", "Σ", "ς", "İstanbul",
    "ﬁnal", "ｆｕｌｌ", "２０２４", "①", "新闻", "记者", "ソフト", "한국어", "x", "_", "a1",
]  # fmt: skip
SEPARATORS = [" ", "  ", "\n", ", ", ". ", "\u3000", "—", "'", "", "\t"]
TEXTS = st.one_of(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=30).map(
        lambda parts: "".join(word + sep for word, sep in parts)
    ),
    st.text(max_size=60),
)
_TOKEN = re.compile(rf"[{CJK}]|[^\W{CJK}]+")


def reference_simhash(text: str) -> int:
    """Charikar's SimHash as first written here: per shingle, +1/-1 on each of 64 bits."""
    if not unicodedata.is_normalized("NFKC", text):
        text = normalise_line(text)
    words = _TOKEN.findall(text)
    lowered = " ".join(words).lower().split(" ") if words else []
    if not lowered:
        return 0
    if len(lowered) <= SHINGLE:
        shingles = [" ".join(lowered)]
    else:
        shingles = [" ".join(lowered[i : i + SHINGLE]) for i in range(len(lowered) - SHINGLE + 1)]
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


@SETTINGS
@given(text=TEXTS)
def test_simhash_is_the_textbook_simhash(text: str) -> None:
    assert simhash(text) == reference_simhash(text)


def test_simhash_of_short_and_empty_texts() -> None:
    for text in ("", " , ", "one", "one two", "one two three", "one two three four", "新闻"):
        assert simhash(text) == reference_simhash(text)
    assert simhash("") == 0


def reference_block_key(text: str) -> str:
    squashed = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    return hashlib.blake2b(squashed.encode("utf-8"), digest_size=8).hexdigest()


LINES = st.one_of(
    TEXTS,
    st.text(
        alphabet=st.sampled_from(list(" \t\n\u3000\u00a0\u2028\u200b\u00ad\ufeffaZ新①ﬁ\x85")),
        max_size=20,
    ),
)


@SETTINGS
@given(text=LINES)
def test_tokens_word_counts_and_block_keys_are_their_plain_definitions(text: str) -> None:
    assert tokens(text) == tuple(_TOKEN.findall(text))
    assert word_count(text) == len(_TOKEN.findall(text))
    block_key.cache_clear()
    assert block_key(text) == reference_block_key(text)


def test_every_whitespace_character_but_the_space_is_unprintable() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace() and char != " ":
            assert not char.isprintable(), hex(code)
    assert block_key("微信 分享\u3000QQ") == reference_block_key("微信 分享\u3000QQ")
    assert block_key("Share this  story") == block_key("sharethisstory")
