"""Text measures shared by extraction and cleaning: CJK-aware word counts and normal forms."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from reader.cjk import CJK
from reader.nfkc import nfkc

# CJK ideographs, kana and hangul count as one word each; Latin words and digits stay whole.
CJK_CHAR = f"[{CJK}]"
_TOKEN = re.compile(rf"{CJK_CHAR}|[^\W{CJK}]+")
# In a text without CJK characters the tokens are the runs of word characters: a simpler
# class for the regex engine to test at each character.
_WORDS = re.compile(r"\w+")
_CJK = re.compile(CJK_CHAR)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4)
def tokens(text: str) -> tuple[str, ...]:
    """Tokens as the benchmark counts them: each CJK character, each other word run.

    The last few texts' tokens are remembered: the extractor counts an article's words and
    the dedupe stage's SimHash then splits the same text (the reader counts the words of a
    block and of the teaser evidence as well, so one entry was gone by then).
    """
    return tuple((_TOKEN if _CJK.search(text) else _WORDS).findall(text))


def word_count(text: str) -> int:
    """Words in ``text``, CJK characters counting one each."""
    return len(tokens(text))


def count_words(text: str, pieces: list[str] | None = None) -> int:
    """``word_count`` without remembering the tokens: for a text no one splits again.

    ``pieces`` is ``text.split()`` where the caller has it: in a text without CJK, a piece of
    letters and digits alone (\\w is ``isalnum()`` or "_") is one word, and only the other
    pieces need the regex (no word runs across whitespace).
    """
    if _CJK.search(text):
        return len(_TOKEN.findall(text))
    if pieces is None:
        return len(_WORDS.findall(text))
    rest = [piece for piece in pieces if not piece.isalnum()]
    return len(pieces) - len(rest) + len(_WORDS.findall(" ".join(rest)))


# A word of Latin text takes about this many characters, its space included (English averages
# 4.7 letters a word). A CJK character is a word of its own: it counts this many characters
# in a length measured in Latin characters.
CHARS_PER_WORD = 6


def text_length(text: str) -> int:
    """Length in Latin characters, each CJK character counted as a word (CHARS_PER_WORD).

    A minimum body length in characters would ask a Chinese brief for two to three times the
    content an English one needs: 51 characters of Chinese say what 200 of English do.
    """
    cjk = len(_CJK.findall(text))
    return len(text) + cjk * (CHARS_PER_WORD - 1)


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are CJK (0 for empty text)."""
    chars = _SPACE.sub("", text)
    return len(_CJK.findall(chars)) / len(chars) if chars else 0.0


# str.split() splits on exactly the characters re's \s matches, so "".join(t.split()) is
# _SPACE.sub("", t) and " ".join(t.split()) is _SPACE.sub(" ", t).strip(), only faster.


def normalise_line(text: str) -> str:
    """Whitespace collapsed, NFKC: the form two copies of one block share."""
    return " ".join(nfkc(text).split())


@lru_cache(maxsize=8192)
def block_key(text: str) -> str:
    """Short stable hash of a block's text, used to recognise template blocks across pages.

    Remembered: a site's template lines (menus, footers) come back on every page it serves.
    """
    normal = nfkc(text)
    # Without its spaces, a line with no other whitespace left (each is unprintable) is the
    # line without whitespace: one replace() instead of a split() and a join().
    squashed = normal.replace(" ", "")
    if not squashed.isprintable():
        squashed = "".join(normal.split())
    return hashlib.blake2b(squashed.lower().encode("utf-8"), digest_size=8).hexdigest()


def text_fingerprint(text: str) -> str:
    """Hash of the normalised text: equal for texts that differ only in spacing or width."""
    normal = nfkc(text)
    # A text whose whitespace is single spaces between words and line breaks (a normalised
    # text, most often) is its split and join with its breaks as spaces: no other whitespace
    # is printable, so isprintable() tells.
    joined = normal.replace("\n", " ")
    if not (joined.isprintable() and "  " not in joined and joined.strip(" ") == joined):
        joined = " ".join(normal.split())
    squashed = joined.lower()
    return hashlib.sha1(squashed.encode("utf-8")).hexdigest()
