"""The page's language: what it declares, else what its text's script and stopwords say."""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from reader.cjk import HANGUL, KANA
from reader.structured import first_meta
from reader.text import cjk_ratio

_STOPWORDS = {
    "en": "the and of to in is that for it with as was on are by this be from at have",
    "de": "der die und das ist nicht mit den von zu ein sich auf dem des eine im für",
    "fr": "le la les et des est un une du que dans pour pas qui sur au avec il",
    "es": "el la los las de que y en un una es por con para del se no al",
    "it": "il la di che e un una per non sono con del della le gli nel",
    "pt": "o a os as de que e em um uma para com não do da no na",
    "nl": "de het een en van is dat op te in voor met zijn niet",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}


def declared_language(
    tree: HtmlElement, meta: dict[str, list[str]], ld: dict[str, Any] | None
) -> str | None:
    """ISO 639-1 code the page declares about itself, if any."""
    values = [
        tree.get("lang"),
        tree.get("xml:lang"),
        first_meta(meta, "content-language", "og:locale", "language", "dc.language"),
        (ld or {}).get("inLanguage") if isinstance((ld or {}).get("inLanguage"), str) else None,
    ]
    for value in values:
        if value:
            code = re.split(r"[-_]", value.strip().lower())[0]
            if re.fullmatch(r"[a-z]{2}", code):
                return code
    return None


def detect_language(text: str) -> str | None:
    """Language of ``text`` from its script, and for Latin script from stopwords."""
    if not text.strip():
        return None
    sample = text[:5000]
    if re.search(f"[{KANA}]", sample) and len(re.findall(f"[{KANA}]", sample)) > 20:
        return "ja"
    if len(re.findall(f"[{HANGUL}]", sample)) > 20:
        return "ko"
    if cjk_ratio(sample) > 0.2:
        return "zh"
    words = re.findall(r"[a-zà-ÿ]+", sample.lower())
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPSETS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else None
