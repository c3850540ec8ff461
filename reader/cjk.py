"""The CJK character ranges, written once: every module that tells CJK text apart (word
counts, tokens, language, names and bylines, chrome lines, the benchmark's tokens, the
decoder's mojibake check) takes them from here.

The ranges are strings for a regex character class (``rf"[{HAN}·]"``). A pattern full of
quantifier braces can name them as ``\\p{Han}``, ``\\p{Kana}``, ``\\p{Hangul}`` or ``\\p{CJK}``
(the ``regex`` module's spelling, which ``re`` does not know) and be compiled by ``cjk_regex``.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs: the common Chinese characters (and Japanese kanji, Korean hanja).
HAN = "\u4e00-\u9fff"
# Extension A, the compatibility ideographs, and extensions B to F (plane 2).
HAN_EXT_A = "\u3400-\u4dbf"
HAN_COMPAT = "\uf900-\ufaff"
HAN_SUPPLEMENT = "\U00020000-\U0002ebef"
# Hiragana and katakana.
KANA = "\u3040-\u30ff"
# Hangul syllables, and the conjoining jamo they are made of.
HANGUL = "\uac00-\ud7af"
HANGUL_JAMO = "\u1100-\u11ff"
# Halfwidth and fullwidth forms (fullwidth Latin, digits and punctuation of CJK text).
FULLWIDTH = "\uff00-\uffef"

# A CJK character: a word of its own in counts and in the benchmark's tokens.
CJK = KANA + HAN_EXT_A + HAN + HAN_COMPAT + HANGUL + HANGUL_JAMO + HAN_SUPPLEMENT
# The blocks running text is written in (no rare or compatibility ideographs).
CJK_COMMON = KANA + HAN_EXT_A + HAN + HANGUL

_NAMED = {r"\p{Han}": HAN, r"\p{Kana}": KANA, r"\p{Hangul}": HANGUL, r"\p{CJK}": CJK}
_NAME = re.compile(r"\\p\{(?:Han|Kana|Hangul|CJK)\}")


def expand(pattern: str) -> str:
    """``pattern`` with each ``\\p{Han}`` (``Kana``, ``Hangul``, ``CJK``) written as its range."""
    return _NAME.sub(lambda match: _NAMED[match.group()], pattern)


def cjk_regex(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile`` of ``expand(pattern)``."""
    return re.compile(expand(pattern), flags)
