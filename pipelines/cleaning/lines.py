"""Line-level cleaning of extracted text: chrome lines out, metadata lines into fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.cleaning.bylines import read_byline
from pipelines.cleaning.rules import (
    CHROME_LINES,
    END_MARK,
    FIELD_LINES,
    INFO_LINE,
    LEAD_BYLINE,
    TAIL_HEADINGS,
    TEASER_HEADINGS,
    LineRule,
)
from pipelines.extraction.people import split_names
from pipelines.extraction.titles import title_key

# Metadata lines are only trusted this many lines from either end of the body.
EDGE_LINES = 4
# Lines after a teaser heading that read like headlines (no sentence end, short) go with it.
TEASER_MAX_LINES = 8
TEASER_LINE_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)）]?$")
_INLINE_SOURCE = re.compile(r"(?:来源|稿源|source)\s*[:：]\s*([^\s|｜]{2,30})", re.I)
_INLINE_AUTHOR = re.compile(
    r"(?:作者|记者|文|编辑)\s*[:：/]\s*"
    r"([\u4e00-\u9fff·]{2,4}(?:[\s、,，][\u4e00-\u9fff·]{2,4}(?![\u4e00-\u9fff·]|\s*[:：])){0,3})"
)
_INLINE_EDITOR = re.compile(
    r"[【\[（(]\s*(?:责任编辑|责编|编辑)\s*[:：]\s*([^】\]）)]{1,20})[】\]）)]\s*$"
)


# All chrome-line rules in one pattern: one regex call tells whether any rule matches.
_ANY_CHROME = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in CHROME_LINES), re.I)


def _chrome_rule(text: str) -> LineRule | None:
    """The first chrome-line rule that matches the whole line, if any."""
    if not _ANY_CHROME.match(text):
        return None
    return next((r for r in CHROME_LINES if r.pattern.match(text)), None)


@dataclass
class CleanedText:
    """Body lines after cleaning, with the metadata found in them and why lines went."""

    lines: list[str]
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    editor: str | None = None
    # Names of a plain "编辑：" line: credited only where nobody else is (see bylines.py).
    compilers: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str) -> None:
        self.removed[reason] = self.removed.get(reason, 0) + 1


def clean_lines(lines: list[str], title: str | None = None) -> CleanedText:
    """Apply the shared chrome rules to the body's lines, in order: tail cut, fields, chrome."""
    out = CleanedText(lines=[])
    kept = _drop_teasers(_cut_tail(lines, out), out)
    n = len(kept)
    for i, line in enumerate(kept):
        text = line.strip()
        if not text:
            continue
        if title and i < EDGE_LINES and _same(text, title):
            out.drop("title repeated in body")
            continue
        near_edge = i < EDGE_LINES or i >= n - EDGE_LINES
        credit = read_byline(text, near_edge)
        if credit is not None:
            out.authors.extend(credit.authors)
            out.editor = out.editor or ("、".join(credit.editors) or None)
            if credit.compiled:
                out.compilers.extend(credit.editors)
            out.drop("byline")
            if credit.rest is None:
                continue
            text = credit.rest
        if _take_field(text, out, near_edge):
            continue
        if i < EDGE_LINES and INFO_LINE.match(text) and len(text) < 120 and _is_info(text):
            _take_inline(text, out)
            out.drop("info line")
            continue
        rule = _chrome_rule(text)
        if rule:
            out.drop(rule.reason)
            continue
        if not out.lines:
            text = _strip_lead_byline(text, out)
        if i >= n - EDGE_LINES and END_MARK.search(text):
            text = END_MARK.sub("", text)
            out.drop("end-of-article mark")
        editor = _INLINE_EDITOR.search(text)
        if editor and len(text) > len(editor.group(0)) + 10:
            out.editor = out.editor or editor.group(1).strip()
            text = text[: editor.start()].rstrip()
        out.lines.append(text)
    return out


def _cut_tail(lines: list[str], out: CleanedText) -> list[str]:
    """Cut at a heading that starts a list of other stories or comments, past the first third."""
    total = sum(len(line) for line in lines) or 1
    seen = 0
    for i, line in enumerate(lines):
        text = line.strip()
        if seen > total * 0.3 and len(text) <= 60:
            rule = next((r for r in TAIL_HEADINGS if r.pattern.match(text)), None)
            if rule:
                out.drop(rule.reason)
                return lines[:i]
        seen += len(line)
    return lines


def _drop_teasers(lines: list[str], out: CleanedText) -> list[str]:
    """Drop a teaser heading and the headline-like lines that follow it."""
    kept: list[str] = []
    skip = 0
    for line in lines:
        text = line.strip()
        if skip and len(text) <= TEASER_LINE_CHARS and not _SENTENCE_END.search(text):
            skip -= 1
            out.drop("teaser link")
            continue
        skip = 0
        if len(text) <= 40 and any(r.pattern.match(text) for r in TEASER_HEADINGS):
            skip = TEASER_MAX_LINES
            out.drop("teaser links to other stories")
            continue
        kept.append(line)
    return kept


def _strip_lead_byline(text: str, out: CleanedText) -> str:
    """Take "本报讯（记者 X 通讯员 Y）" off the first paragraph; the reporters become authors."""
    match = LEAD_BYLINE.match(text)
    if not match or len(text) - match.end() < 10:
        return text
    reporters = re.split(r"\s*通讯员\s*", match.group("v"))[0]  # correspondents are not authors
    out.authors.extend(n for n in split_names(reporters) if n)
    out.drop("byline")
    return text[match.end() :]


def _take_field(text: str, out: CleanedText, near_edge: bool) -> bool:
    """Take a metadata line; bylines only near the body's edges, where they stand."""
    for rule in FIELD_LINES:
        if rule.field == "authors" and not near_edge:
            continue
        match = rule.pattern.match(text)
        if not match:
            continue
        value = match.group("v").strip()
        if rule.field == "authors":
            out.authors.extend(split_names(value))
        elif rule.field == "source":
            out.source = out.source or value
        elif rule.field == "editor":
            out.editor = out.editor or value
        out.drop(rule.reason)
        return True
    return False


def _is_info(text: str) -> bool:
    """A dateline with little else: date, time, source, author, views — not a sentence."""
    return not re.search(r"[。！？!?]", text)


def _take_inline(text: str, out: CleanedText) -> None:
    source = _INLINE_SOURCE.search(text)
    if source:
        out.source = out.source or source.group(1)
    author = _INLINE_AUTHOR.search(text)
    if author:
        out.authors.extend(split_names(author.group(1)))


def _same(a: str, b: str) -> bool:
    """The same headline, whatever its spacing, quote style or soft hyphens (the title's
    wording may come from og:title, the body's from the h1)."""
    squash = re.compile(r"\s+")
    return squash.sub("", title_key(a)) == squash.sub("", title_key(b))
