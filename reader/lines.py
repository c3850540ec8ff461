"""Line-level cleaning of extracted text: chrome lines out, metadata lines into fields."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.bylines import read_byline
from reader.cjk import CJK_COMMON, cjk_regex
from reader.people import split_names
from reader.rules import (
    CHROME_LINES,
    END_MARK,
    FIELD_LINES,
    FINAL_TAILS,
    INFO_LINE,
    LEAD_BYLINE,
    TAIL_HEADINGS,
    TEASER_HEADINGS,
    LineRule,
)
from reader.titles import title_key

# Metadata lines are only trusted this many lines from either end of the body.
EDGE_LINES = 4
# Lines after a teaser heading that read like headlines (no sentence end, short) go with it.
TEASER_MAX_LINES = 8
TEASER_LINE_CHARS = 160
_SENTENCE_END = re.compile(r"[.!?。！？…]['\"”’)）]?$")
_INLINE_SOURCE = re.compile(r"(?:来源|稿源|source)\s*[:：]\s*([^\s|｜]{2,30})", re.I)
_INLINE_AUTHOR = cjk_regex(
    r"(?:作者|记者|文|编辑)\s*[:：/]\s*"
    r"([\p{Han}·]{2,4}(?:[\s、,，][\p{Han}·]{2,4}(?![\p{Han}·]|\s*[:：])){0,3})"
)
_INLINE_EDITOR = re.compile(
    r"[【\[（(]\s*(?:责任编辑|责编|编辑)\s*[:：]\s*([^】\]）)]{1,20})[】\]）)]\s*$"
)


_CHROME_MATCHES = [(r.pattern.match, r) for r in CHROME_LINES]
# The rules that name what a line they match holds (``needs``) may start anywhere in its
# first characters: costly to try on each line, and rarely worth it. The other rules open on
# their own words: one pattern holds them, each an alternative in rule order (the first
# alternative that matches the line is the first of those rules that does).
_NEEDS = tuple(dict.fromkeys(need for rule in CHROME_LINES for need in rule.needs))
_PLAIN_RULES = {f"r{i}": rule for i, rule in enumerate(CHROME_LINES) if not rule.needs}
_PLAIN_MATCH = re.compile(
    "|".join(f"(?P<{name}>{rule.pattern.pattern})" for name, rule in _PLAIN_RULES.items()),
    CHROME_LINES[0].pattern.flags,
).match
# Characters re.IGNORECASE matches to a letter of a ``needs`` string that lower() does not
# turn into it ("İ" and "ı" to "i", "ſ" to "s"): a line holding one is tried on every rule.
_CASE_ODD = ("İ", "ı", "ſ")


def _chrome_rule(text: str) -> LineRule | None:
    """The first chrome-line rule that matches the whole line, if any."""
    if _may_need(text):
        for match_rule, rule in _CHROME_MATCHES:
            if match_rule(text):
                return rule
        return None
    match = _PLAIN_MATCH(text)
    return None if match is None else _PLAIN_RULES[str(match.lastgroup)]


def _may_need(text: str) -> bool:
    """Whether ``text`` may hold one of the rules' ``needs`` (False: it holds none)."""
    if not text.isascii():
        for odd in _CASE_ODD:
            if odd in text:
                return True
    lowered = text.lower()
    for need in _NEEDS:  # noqa: SIM110 - a loop is faster than any() over a generator
        if need in lowered:
            return True
    return False


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
    in_bar = False
    head = _squash(title) if title else ""
    for i, line in enumerate(kept):
        text = line.strip()
        if not text:
            continue
        if in_bar and _is_label(text):
            out.drop(SHARE_BAR)  # one label of the bar the lead-in line opened
            continue
        in_bar = False
        if title and i < EDGE_LINES and _is_headline(text, head):
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
            in_bar = rule.reason == SHARE_BAR
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


SHARE_BAR = "share bar"
# A bar's label on a line of its own: this many characters (no spaces, a CJK character counts
# twice) and words at most.
LABEL_MAX_CHARS = 18
LABEL_MAX_WORDS = 3
_LABEL_BREAKS = re.compile(r"[.!?。！？,，;；:：\d]")


def _is_label(text: str) -> bool:
    """A short label such as 微信, QQ空间 or "Copy link": no sentence, no number."""
    return (
        weighted_len("".join(text.split())) <= LABEL_MAX_CHARS
        and len(text.split()) <= LABEL_MAX_WORDS
        and not _LABEL_BREAKS.search(text)
    )


def _cut_tail(lines: list[str], out: CleanedText) -> list[str]:
    """At a heading that starts a list of other stories, past the first third: skip the
    widget (the heading and the headline-like lines under it) and keep reading when the
    article goes on after it; cut when only the widget, teasers or comments follow.

    An in-body box ("Most read in Football", "Lesen Sie auch", 相关阅读) sits between two
    paragraphs of the article as often as it closes the page: the heading alone ends nothing.
    """
    total = sum(len(line) for line in lines) or 1
    seen = 0
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.strip()
        if seen > total * 0.3 and len(text) <= 60:
            rule = next((r for r in TAIL_HEADINGS if r.pattern.match(text)), None)
            if rule:
                out.drop(rule.reason)
                end = _widget_end(lines, i + 1)
                if rule.reason in FINAL_TAILS or not _reads_on(lines[end:]):
                    return kept
                for _ in range(i + 1, end):
                    out.drop("teaser link")
                i = end
                continue
        seen += len(line)
        kept.append(line)
        i += 1
    return kept


# After a widget, the article reads on when at least this share of what follows is in long
# sentences and at most this share of its lines are short headline-like lines.
READ_ON_PROSE_SHARE = 0.6
READ_ON_SHORT_LINES = 0.34
PROSE_LINE_CHARS = 80


_CJK = re.compile(f"[{CJK_COMMON}]")


def weighted_len(text: str) -> int:
    """Length with a CJK character counted twice: a Chinese line says in 40 characters what
    a Latin one says in 80."""
    return len(text) + len(_CJK.findall(text))


def _widget_end(lines: list[str], start: int) -> int:
    """Index of the first line after a widget heading that is not one of its links."""
    end = start
    while (
        end < len(lines) and end - start < TEASER_MAX_LINES and _headline_like(lines[end].strip())
    ):
        end += 1
    return end


def _headline_like(text: str) -> bool:
    return len(text) <= TEASER_LINE_CHARS and (
        not _SENTENCE_END.search(text) or text.endswith(("...", "…"))
    )


def _reads_on(rest: list[str]) -> bool:
    """The lines after a widget are the article going on, not more teasers or comments."""
    texts = [line.strip() for line in rest if line.strip()]
    if not texts or not _is_prose_line(texts[0]):
        return False
    total = sum(len(t) for t in texts)
    prose = sum(len(t) for t in texts if _is_prose_line(t))
    # A closing line ("(dmk)", a sign-off) is not a teaser headline.
    short = sum(1 for t in texts[:-1] if _headline_like(t))
    return prose >= READ_ON_PROSE_SHARE * total and short <= READ_ON_SHORT_LINES * len(texts)


def _is_prose_line(text: str) -> bool:
    return (
        weighted_len(text) >= PROSE_LINE_CHARS
        and bool(_SENTENCE_END.search(text))
        and not text.endswith(("...", "…"))
    )


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
    """Take "本报讯（记者 X 通讯员 Y）" off the first paragraph; reporters and correspondents
    become authors, as in a credit line of their own (bylines.py)."""
    match = LEAD_BYLINE.match(text)
    if not match or len(text) - match.end() < 10:
        return text
    for credited in re.split(r"\s*通讯员\s*", match.group("v")):
        out.authors.extend(n for n in split_names(credited) if n)
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


# A kicker printed in the headline's element ("Premier League Rückschlag im Titelkampf - ..."):
# at most this many characters (no spaces) before the title; the title at least this long.
KICKER_MAX_CHARS = 40
KICKER_TITLE_MIN_CHARS = 20


def _is_headline(text: str, head: str) -> bool:
    """The headline again, alone or after its kicker (topic line) in the same element;
    ``head``: the title, ``_squash``ed."""
    line = _squash(text)
    if line == head:
        return True
    return (
        len(head) >= KICKER_TITLE_MIN_CHARS
        and line.endswith(head)
        and len(line) - len(head) <= KICKER_MAX_CHARS
    )


def _squash(text: str) -> str:
    """Letters and digits only, lower-cased: the same headline in other punctuation."""
    return _NON_WORD.sub("", text).lower()


_NON_WORD = re.compile(r"[\W_]+")


def _same(a: str, b: str) -> bool:
    """The same headline, whatever its spacing, quote style or soft hyphens (the title's
    wording may come from og:title, the body's from the h1)."""
    squash = re.compile(r"\s+")
    return squash.sub("", title_key(a)) == squash.sub("", title_key(b))
