"""Text that every JSON reader splits into the same lines: no controls, no odd separators."""

from __future__ import annotations

import re
import unicodedata

# U+2028/U+2029/U+0085 and vertical tab/form feed are line breaks to some readers: make them \n.
_BREAKS = re.compile("[\u2028\u2029\u0085\x0b\x0c\r]")
# C0/C1 controls other than \n and \t, plus lone surrogates and non-characters.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")
# Inline space runs ([ \t\u00a0\u3000]+) that are not one plain space: those collapse to one
# space (replacing " " by " " changes nothing, and most spaces in a text are single ones).
_INLINE_RUNS = re.compile(" [ \t\u00a0\u3000]+|[\t\u00a0\u3000][ \t\u00a0\u3000]*")
_ODD = re.compile(f"{_BREAKS.pattern}|{_CONTROLS.pattern}")


def normalise_text(text: str) -> str:
    """Valid, printable text with one paragraph per line and no blank lines."""
    if _ODD.search(text) is not None:  # most texts have neither: one scan, not two
        text = _CONTROLS.sub("", _BREAKS.sub("\n", text))
    text = unicodedata.normalize("NFC", text)
    # The inline-space pattern holds no line break: one pass over the text does every line.
    # A text with no run to collapse (no double space, tab, no-break or ideographic space;
    # str's searches tell, faster than a regex) is left as it is.
    if "  " in text or "\t" in text or "\xa0" in text or "\u3000" in text:
        text = _INLINE_RUNS.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def normalise_value(value: object) -> object:
    """normalise_text for one-line metadata, applied inside strings, lists and dicts."""
    if isinstance(value, str):
        return normalise_text(value).replace("\n", " ")
    if isinstance(value, list):
        return [normalise_value(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise_value(v) for k, v in value.items()}
    return value
