"""``reader.normalise.normalise_text`` gives what its rule says, on any text.

The rule, step by step (the reference below): line breaks other readers see (U+2028,
U+2029, U+0085, VT, FF, CR) become ``\\n``; other controls, lone surrogates and
non-characters go; NFC; inline space runs (space, tab, no-break, ideographic) become one
space; each line is stripped; blank lines go. The product's version folds steps into fewer
passes over the text; it must agree with the reference on every text.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.normalise import normalise_text  # noqa: E402


def reference(text: str) -> str:
    text = re.sub("[\u2028\u2029\u0085\x0b\x0c\r]", "\n", text)
    text = re.sub("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]", "", text)
    text = unicodedata.normalize("NFC", text)
    lines = (re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


ODD = st.sampled_from(
    list("\u2028\u2029\u0085\x0b\x0c\r\n\t \u00a0\u3000\x00\x07\x1f\x7f\x84\x9f\ufffe\u200be\u0301")
    + ["\ud800"]
)
TEXTS = st.text(alphabet=st.one_of(st.characters(), ODD), max_size=80)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(TEXTS)
def test_normalise_text_follows_its_rule(text: str) -> None:
    assert normalise_text(text) == reference(text)


def test_examples() -> None:
    assert normalise_text(" a\u2028b\r\nc \x00d\u00a0\u00a0e\n\n\u3000 ") == "a\nb\nc d e"
    assert normalise_text("e\u0301") == "\u00e9"
    assert normalise_text("") == ""
