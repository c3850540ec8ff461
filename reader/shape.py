"""The body's shape beside its text: Markdown and pictures, from the same reading.

``read_page`` decides the text; this module only dresses the text's lines (Markdown) and
finds the pictures standing among them, so the three fields never disagree on what the
article is. Captions are the pictures', never the text's (``without_captions``).
"""

from __future__ import annotations

import re
from typing import Any

from lxml.html import HtmlElement

from reader.images import Picture, caption_keys, in_body, with_lead
from reader.markdown import Unit, keep_lines, line_key, read_structure, to_markdown

CAPTION_REASON = "a picture's caption is in images, not in the text"
RULE_REASON = "a table's rule line (|---|---|) has no words"
# The line under a table's header row in trafilatura's text: markup, not text.
_TABLE_RULE = re.compile(r"^\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")


def without_table_rules(lines: list[str], removed: dict[str, int]) -> list[str]:
    """The text's lines without table rule lines (the Markdown draws its own)."""
    kept = [line for line in lines if not _TABLE_RULE.match(line.strip())]
    if len(kept) < len(lines):
        removed[RULE_REASON] = removed.get(RULE_REASON, 0) + len(lines) - len(kept)
    return kept


def without_captions(
    lines: list[str], pictures: list[Picture], removed: dict[str, int]
) -> list[str]:
    """The text's lines without the lines that are a picture's caption."""
    keys = caption_keys(pictures)
    if not keys:
        return lines
    kept = [line for line in lines if "".join(line.split()) not in keys]
    if len(kept) < len(lines):
        removed[CAPTION_REASON] = removed.get(CAPTION_REASON, 0) + len(lines) - len(kept)
    return kept


def body_shape(
    tree: HtmlElement,
    url: str,
    text: str,
    pictures: list[Picture],
    lead_image: str | None,
    markdown: bool,
    images: bool,
) -> dict[str, Any]:
    """The ``markdown`` and ``images`` fields (those asked for) of the text ``text`` read
    off the pruned ``tree``."""
    if not (markdown or images):
        return {}
    body = tree.find("body")
    lines = text.split("\n") if text else []
    keys = [line_key(line) for line in lines]
    # Only the text's lines are asked for: the walk keeps no other line's unit.
    structure = read_structure(body, url, set(keys)) if body is not None else None
    units = [structure.take_key(key) if structure is not None else None for key in keys]
    fields: dict[str, Any] = {}
    if markdown:
        fields["markdown"] = to_markdown(lines, units)
    if images:
        region = _region([u for u in units if u is not None])
        fields["images"] = with_lead(in_body(pictures, tree, region), lead_image, pictures)
    return fields


def _region(units: list[Unit]) -> HtmlElement | None:
    """The smallest element holding every line of the text the page renders."""
    if not units:
        return None
    # The first unit's element and its ancestors, nearest first; each other unit climbs
    # only until it meets that line.
    chain = [units[0].element, *units[0].element.iterancestors()]
    depth = {el: at for at, el in enumerate(chain)}
    lowest = 0
    for unit in units[1:]:
        node: HtmlElement | None = unit.element
        while node is not None and node not in depth:
            node = node.getparent()
        if node is None:
            return None
        lowest = max(lowest, depth[node])
    return chain[lowest]


def merge_shapes(fields: dict[str, Any], pages: list[dict[str, Any]]) -> None:
    """An article merged from several pages (``fields["text"]`` already the merged text):
    its Markdown from every page's, keeping the merged text's lines; its pictures every
    page's in page order, each once."""
    if "markdown" in fields:
        joined = "\n\n".join(_page_markdown(page) for page in pages)
        fields["markdown"] = keep_lines(joined, fields["text"].split("\n"))
    if "images" in fields:
        records: list[dict[str, Any]] = []
        seen: set[str] = set()
        for page in pages:
            for record in page.get("images") or ():
                if record["src"] not in seen:
                    seen.add(record["src"])
                    records.append(record)
        fields["images"] = records


def _page_markdown(page: dict[str, Any]) -> str:
    """A page's Markdown; its text's lines as paragraphs when it has none."""
    markdown = page.get("markdown")
    if markdown is not None:
        return str(markdown)
    lines = [line for line in (page.get("text") or "").split("\n") if line]
    return to_markdown(lines, [None] * len(lines))
