"""``reader.nfkc.nfkc`` is ``unicodedata.normalize("NFKC", ...)``, piecewise: the same string on
saved pages, on the cases where pieces could part from the whole, and on random text."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from reader.nfkc import nfkc
from reader.page import parse_html

TESTS = Path(__file__).resolve().parent
SAVED = sorted(TESTS.glob("**/page.html"))

# Where a piece normalised alone would differ from the whole: a character composing with the
# one before it (Hangul vowel and trailing jamo, combining marks), a full-width or half-width
# form whose NFKC then composes, marks to reorder, compatibility ideographs and ligatures,
# characters past the Basic Multilingual Plane, a run at the text's start and end.
CASES = [
    "\u1105\u116a",  # L + V jamo: one syllable
    "\uac38\u11b0",  # LV syllable + T jamo
    "p\uffa2\u1165）",  # half-width L jamo, then a V jamo
    "Ａ\u0301 and e\u0301\u0323 and e\u0323\u0301",  # full width then a mark; reordering
    "\u0344\u0f73\u0958\u2126\u212b",  # singletons and multi-part decompositions
    "ﬁnance ①②  \u3250 \ufa10\u2f800",  # ligature, circled, compatibility ideographs
    "\U0001d400\U0001f600 \U0002f800 \U000110b1\U000110ba",  # past the BMP, Kaithi pair
    "，开头的逗号与结尾的括号）",
    "新华社北京１２月５日电（记者　王小明）１２月５日，ＡＢＣ公司宣布：",
    "\u0301 a mark first",
    "",
    "plain ascii",
]


@pytest.mark.parametrize("text", CASES)
def test_crafted_text(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("path", SAVED, ids=lambda p: str(p.parent.relative_to(TESTS)))
def test_saved_pages(path: Path) -> None:
    text = parse_html(path.read_bytes().decode("utf-8", "replace"), 10**8).text_content()
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_random_text() -> None:
    ranges = [
        (0x20, 0x250),
        (0x300, 0x370),
        (0x900, 0x980),
        (0x1100, 0x1200),
        (0x1E00, 0x1F00),
        (0x3000, 0x3100),
        (0x4E00, 0x4E40),
        (0xAC00, 0xAC40),
        (0xF900, 0xFA10),
        (0xFF00, 0xFFF0),
        (0x11080, 0x110C0),
        (0x1D400, 0x1D420),
    ]
    pool = [chr(cp) for low, high in ranges for cp in range(low, high)]
    rng = random.Random(20)
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), [hex(ord(c)) for c in text]
