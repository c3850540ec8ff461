"""How many of a benchmark body's subheadings the Markdown body gives as headings.

A truth body (one paragraph a line, as in fundus-dev) marks no headings; a subheading is
told by its form: a line after the first (the summary) and before the last, at most
SUBHEADING_CHARS long, that does not end like a sentence or a quotation. A Markdown
heading matches it when both have the same words (links, emphasis and escapes aside).
"""

from __future__ import annotations

import re

SUBHEADING_CHARS = 100
_SENTENCE_END = re.compile(r"[.!?…:;\"“”„»«)。！？；：）」]\s*$")
_HEADING = re.compile(r"^#{1,6} (.*)$")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_NOT_WORD = re.compile(r"\W+")


def truth_subheadings(body: str) -> list[str]:
    """The subheadings of a truth body, by their form."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return [
        line
        for line in lines[1:-1]
        if len(line) <= SUBHEADING_CHARS and not _SENTENCE_END.search(line)
    ]


def _words(text: str) -> str:
    return _NOT_WORD.sub(" ", _LINK_TARGET.sub("]", text)).strip().casefold()


def heading_recall(truth_body: str, markdown: str | None) -> tuple[int, int]:
    """(found, total): the truth's subheadings that are headings of ``markdown``."""
    wanted = truth_subheadings(truth_body)
    headings = {
        _words(m.group(1))
        for m in (_HEADING.match(line) for line in (markdown or "").split("\n"))
        if m
    }
    found = sum(1 for line in wanted if _words(line) in headings)
    return found, len(wanted)
