"""How many of a benchmark body's subheadings the Markdown body gives as headings.

A truth body (one paragraph a line, as in fundus-dev) marks no headings; a subheading is
told by its form: a line after the first (the summary) and before the last, at most
SUBHEADING_CHARS long, that does not end like a sentence or a quotation.
"""

from __future__ import annotations

import re

from pipelines.extraction.markdown import line_key, plain_inline

SUBHEADING_CHARS = 100
_SENTENCE_END = re.compile(r"[.!?…:;\"“”„»«)]\s*$")
_HEADING = re.compile(r"^#{1,6} (.*)$")


def truth_subheadings(body: str) -> list[str]:
    """The subheadings of a truth body, by their form."""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return [
        line
        for line in lines[1:-1]
        if len(line) <= SUBHEADING_CHARS and not _SENTENCE_END.search(line)
    ]


def heading_recall(truth_body: str, markdown: str | None) -> tuple[int, int]:
    """(found, total): the truth's subheadings that are headings of ``markdown``."""
    wanted = truth_subheadings(truth_body)
    headings = {
        line_key(plain_inline(m.group(1))).casefold()
        for m in (_HEADING.match(line) for line in (markdown or "").split("\n"))
        if m
    }
    found = sum(1 for line in wanted if line_key(line).casefold() in headings)
    return found, len(wanted)
