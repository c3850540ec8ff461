"""The body as Markdown, built from the text's own lines so the two never disagree.

The text is decided first (trafilatura or the main block, then the line cleaning); the
Markdown does not read the page again. It walks the pruned tree once (``Structure``) to
learn what each rendered line of the page is (a heading, a list item, a quoted line, a
table row, a paragraph) and its inline markup (links made absolute, emphasis), then gives
every line of the text its Markdown form (``to_markdown``). A line the walk did not see
is a plain paragraph. So every Markdown block is one kept text line, and ``plain_lines``
of the Markdown gives the text's lines back (``line_key`` equal: list bullets and table
pipes aside); the cleaning stage drops lines from both with ``keep_lines``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from reader.mainblock import BLOCK_TAGS, SKIP_TAGS
from reader.structured import absolute

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Heading levels in the body: the page's h1 is the title; a body's h1 is a section's.
BODY_LEVEL_MIN = 2
STRONG_TAGS = {"strong", "b"}
EMPHASIS_TAGS = {"em", "i"}
CODE_TAGS = {"code", "kbd", "samp", "tt"}
# Kinds of line: "p" paragraph, "h2".."h6" heading, "li"/"ol" list item, "quote", "row".
PARAGRAPH = "p"
# A paragraph that is a subheading without heading markup: wholly bold, or named one by its
# class, short and not a sentence. Its level: under the page's h2 sections.
SUBHEADING = "h3"
SUBHEADING_CHARS = 120
SUBHEADING_CLASS = re.compile(
    r"sub-?head|cross-?head|sub-?title|inter-?tit|inter-?line|zwischen|sous-?titre|"
    r"sottotitol|intertitul|heading",
    re.I,
)
_BOLD = re.compile(r"^\*\*((?:[^*\\]|\\.)+)\*\*$")
_SENTENCE_END = re.compile(r"[.!?…:;,。！？：；]['\"”’»)]?$")


@dataclass
class Unit:
    """One rendered line of the page: its kind, its element, and its Markdown inline text
    (for a table row: one per cell)."""

    kind: str
    element: HtmlElement
    markdown: list[str]
    plain: str


@dataclass
class Structure:
    """The rendered lines of a (pruned) tree, found by their ``line_key``."""

    units: dict[str, list[Unit]] = field(default_factory=dict)

    def take(self, line: str) -> Unit | None:
        """The first unseen unit whose line is ``line`` (a repeated line takes the next)."""
        found = self.units.get(line_key(line))
        return found.pop(0) if found else None


_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)])\s+")
_KEY_DROP = re.compile(r"[\s|]+")


def line_key(line: str) -> str:
    """What a line and its Markdown have in common: no spaces, list bullet or table pipes
    (trafilatura writes "- item" and "| a | b |", the main block "item" and "ab")."""
    return _KEY_DROP.sub("", _BULLET.sub("", line)) or "".join(line.split())


def read_structure(root: HtmlElement, base_url: str) -> Structure:
    """Walk ``root`` once, the way ``render_lines`` breaks it into lines."""
    walker = _Walker(base_url)
    walker.block(root, PARAGRAPH)
    walker.flush()
    return walker.structure


class _Walker:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.structure = Structure()
        self.kind = PARAGRAPH
        self.element: HtmlElement | None = None
        self.md: list[str] = []
        self.plain: list[str] = []
        self.cells: list[tuple[str, str]] | None = None

    def flush(self) -> None:
        plain = " ".join("".join(self.plain).split())
        if self.cells is not None:
            cells = [(" ".join(p.split()), _tidy(m)) for p, m in self.cells]
            cells = [c for c in cells if c[0]]
            if cells and self.element is not None:
                self._add(
                    Unit(
                        "row", self.element, [m for _, m in cells], " | ".join(p for p, _ in cells)
                    )
                )
            self.cells = None
        elif plain and self.element is not None:
            markdown = _tidy("".join(self.md))
            kind = self.kind
            if kind == PARAGRAPH and _subheading(self.element, plain, markdown):
                kind, markdown = SUBHEADING, _BOLD.sub(r"\1", markdown)
            self._add(Unit(kind, self.element, [markdown], plain))
        self.md, self.plain = [], []

    def _add(self, unit: Unit) -> None:
        self.structure.units.setdefault(line_key(unit.plain), []).append(unit)

    def block(self, el: HtmlElement, kind: str) -> None:
        """A block element: the lines before it end, its own lines take ``kind``."""
        tag = el.tag
        if tag in HEADINGS:
            kind = f"h{max(HEADINGS[tag], BODY_LEVEL_MIN)}"
        elif tag == "li":
            parent = el.getparent()
            kind = "ol" if parent is not None and parent.tag == "ol" else "li"
        elif tag == "blockquote":
            kind = "quote"
        self.flush()
        outer, outer_el = self.kind, self.element
        self.kind, self.element = kind, el
        if tag == "tr":
            self.cells = []
            for cell in el:
                if isinstance(cell.tag, str) and cell.tag in ("td", "th"):
                    md_parts: list[str] = []
                    plain_parts: list[str] = []
                    self._inline_into(cell, md_parts, plain_parts)
                    self.cells.append(("".join(plain_parts), "".join(md_parts)))
            self.flush()
        else:
            self._children(el)
            self.flush()
        self.kind, self.element = outer, outer_el
        # Text after a block belongs to the enclosing block.
        if el.tail and el.tail.strip():
            self.element = el.getparent()
            self._text(el.tail)

    def _children(self, el: HtmlElement) -> None:
        if el.text:
            self._text(el.text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP_TAGS:
                if child.tail:
                    self._text(child.tail)
                continue
            if tag == "br":
                self.flush()
                self.element = el
                if child.tail:
                    self._text(child.tail)
            elif tag in BLOCK_TAGS or tag in ("td", "th", "figcaption"):
                self.block(child, self.kind)
            else:
                self._inline(child)

    def _text(self, text: str) -> None:
        if self.element is None:
            return
        self.plain.append(text)
        self.md.append(escape(text))

    def _inline(self, el: HtmlElement) -> None:
        """An inline element: its Markdown into the current line (a block inside it breaks)."""
        if next((c for c in el.iterdescendants() if c.tag in BLOCK_TAGS), None) is not None:
            self._children(el)  # a span or link wrapping paragraphs: their structure wins
            if el.tail:
                self._text(el.tail)
            return
        self._inline_into(el, self.md, self.plain)
        if el.tail:
            self._text(el.tail)

    def _inline_into(self, el: HtmlElement, out: list[str], plain: list[str]) -> None:
        inner: list[str] = []
        inner_plain: list[str] = []
        if el.text:
            inner.append(escape(el.text))
            inner_plain.append(el.text)
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag not in SKIP_TAGS and tag != "br":
                self._inline_into(child, inner, inner_plain)
            elif tag == "br":
                inner.append(" ")
                inner_plain.append(" ")
            if child.tail:
                inner.append(escape(child.tail))
                inner_plain.append(child.tail)
        text = "".join(inner)
        plain.append("".join(inner_plain))
        out.append(_wrap(el, text, self.base_url))


def _subheading(el: HtmlElement, plain: str, markdown: str) -> bool:
    """A short paragraph, not a sentence, all bold or with a subheading's class name."""
    if len(plain) > SUBHEADING_CHARS or _SENTENCE_END.search(plain):
        return False
    if el.tag not in ("p", "div", "span", "strong", "b"):
        return False
    return bool(_BOLD.match(markdown)) or bool(SUBHEADING_CLASS.search(el.get("class") or ""))


def _wrap(el: HtmlElement, text: str, base_url: str) -> str:
    """``text`` with ``el``'s markup around it, its spaces outside the markers."""
    core = text.strip()
    if not core:
        return text
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    tag = el.tag
    if tag == "a":
        href = absolute(el.get("href"), base_url)
        if href and not href.startswith(("javascript:", "mailto:")):
            core = f"[{core}]({_link_target(href)})"
    elif tag in STRONG_TAGS and not _marked(core):
        core = f"**{core}**"
    elif tag in EMPHASIS_TAGS and not _marked(core):
        core = f"*{core}*"
    elif tag in CODE_TAGS and "`" not in core:
        core = f"`{core.replace(chr(92), '')}`" if "\\" not in core else core
    return f"{lead}{core}{trail}"


def _marked(text: str) -> bool:
    """Emphasis inside emphasis (``<b><i>x</i></b>``) is kept once: the inner one."""
    return text.startswith("*") or text.endswith("*")


def _link_target(href: str) -> str:
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _tidy(text: str) -> str:
    return " ".join(text.split())


# Characters that are Markdown markup anywhere in a line, and at a line's start.
_INLINE_MARKUP = re.compile(r"([\\`*\[\]])")
_LINE_START = re.compile(r"^(#|>|[-+=|]|\d{1,9}[.)])")


def escape(text: str) -> str:
    """Plain text as Markdown that shows it as it is."""
    return _INLINE_MARKUP.sub(r"\\\1", text)


def _escape_start(line: str) -> str:
    return _LINE_START.sub(r"\\\1", line, count=1)


def to_markdown(lines: list[str], units: list[Unit | None]) -> str:
    """The text's lines as Markdown, each in the form the page gave it (``units``: what
    ``Structure.take`` found for each line)."""
    return assemble([_unit_line(line, unit) for line, unit in zip(lines, units, strict=True)])


def _unit_line(line: str, unit: Unit | None) -> tuple[str, str]:
    """(kind, Markdown line) of one text line; the line itself where the markup would not
    give it back (the text was cut inside the element, or cleaned)."""
    bare = _BULLET.sub("", line) if unit is not None and unit.kind in ("li", "ol") else line
    if unit is None:
        return PARAGRAPH, _escape_start(escape(line))
    if unit.kind == "row":
        row = "| " + " | ".join(_cell(m) for m in unit.markdown) + " |"
        if line_key(plain_inline(row)) == line_key(line):
            return "row", row
        return PARAGRAPH, _escape_start(escape(line))
    inline = unit.markdown[0] if unit.markdown else ""
    if plain_inline(inline) != bare:
        inline = escape(bare)
    return unit.kind, _escape_start(inline) if unit.kind in (PARAGRAPH, "quote") else inline


def _cell(markdown: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", markdown)


_PREFIX = {"li": "- ", "quote": "> "}


def assemble(units: list[tuple[str, str]]) -> str:
    """Markdown blocks from (kind, line) units: a blank line between blocks; list items,
    quoted lines and table rows of one run together (a table's first row its header)."""
    out: list[str] = []
    previous = None
    number = 0
    for kind, text in units:
        joined = kind == previous and kind in ("li", "ol", "quote", "row")
        if out and not joined:
            out.append("")
        number = number + 1 if joined else 1
        if kind.startswith("h") and kind[1:].isdigit():
            out.append("#" * int(kind[1:]) + " " + text)
        elif kind == "row":
            out.append(text)
            if not joined:
                out.append("|" + " --- |" * text.count(" | ") + " --- |")
        elif kind == "quote" and joined:
            out.extend((">", "> " + text))  # one quoted paragraph a line
        elif kind == "ol":
            out.append(f"{number}. {text}")
        else:
            out.append(_PREFIX.get(kind, "") + text)
        previous = kind
    return "\n".join(out)


_SEPARATOR = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")
_HEADING = re.compile(r"^(#{1,6}) ")
_ORDERED = re.compile(r"^\d{1,9}\. ")


def units_of(markdown: str) -> list[tuple[str, str]]:
    """The (kind, line) units of Markdown that ``assemble`` wrote: its inverse."""
    units: list[tuple[str, str]] = []
    for line in markdown.split("\n"):
        if not line or line == ">" or _SEPARATOR.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            units.append((f"h{len(heading.group(1))}", line[heading.end() :]))
        elif line.startswith("> "):
            units.append(("quote", line[2:]))
        elif line.startswith("- "):
            units.append(("li", line[2:]))
        elif _ORDERED.match(line):
            units.append(("ol", _ORDERED.sub("", line, count=1)))
        elif line.startswith("| "):
            units.append(("row", line))
        else:
            units.append((PARAGRAPH, line))
    return units


_LINK = re.compile(r"(?<!\\)\[((?:[^\]\\]|\\.)*)\]\([^)\s]*\)")
_MARKERS = re.compile(r"(?<!\\)(\*\*|\*|`)")
_ESCAPED = re.compile(r"\\(.)")


def plain_inline(text: str) -> str:
    """Inline Markdown as the text shows it: links, emphasis and escapes undone."""
    text = _LINK.sub(r"\1", text)
    text = _MARKERS.sub("", text)
    return _ESCAPED.sub(r"\1", text)


def plain_lines(markdown: str) -> list[str]:
    """The text lines of Markdown ``assemble`` wrote (a table row "a | b")."""
    lines = []
    for kind, text in units_of(markdown):
        if kind == "row":
            cells = re.split(r"(?<!\\) \| ", text.strip()[2:-2])
            lines.append(" | ".join(plain_inline(c) for c in cells))
        else:
            lines.append(plain_inline(text))
    return lines


def keep_lines(markdown: str, lines: list[str]) -> str:
    """The Markdown of the text lines kept: each unit stays where its line does (in
    order), the others go. For a stage that removes lines from the text afterwards."""
    kept: list[tuple[str, str]] = []
    plain = plain_lines(markdown)
    at = 0
    keys = [key for key in map(line_key, lines) if key]
    for unit, text in zip(units_of(markdown), plain, strict=True):
        if at < len(keys) and line_key(text) == keys[at]:
            kept.append(unit)
            at += 1
    return assemble(kept)
