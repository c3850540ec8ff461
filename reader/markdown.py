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
from collections.abc import Set as AbstractSet
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
ROW = "row"
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


class Unit:
    """One rendered line of the page: its kind, its element, its text and its Markdown
    inline text (for a table row: one per cell).

    The Markdown is made when first asked for (and with it the kind: a wholly bold
    paragraph is a subheading): a page renders many more lines than its text keeps."""

    __slots__ = ("element", "plain", "_kind", "_parts", "_base_url", "_markdown")

    def __init__(
        self,
        kind: str,
        element: HtmlElement,
        plain: str,
        parts: list[str | HtmlElement] | None,
        base_url: str,
    ) -> None:
        self.element = element
        self.plain = plain
        self._kind = kind
        # The line's pieces in order: text (escaped when made) and inline elements (made
        # with their markup); for a row, its cells; None for a line of text alone.
        self._parts = parts
        self._base_url = base_url
        self._markdown: list[str] | None = None

    @property
    def kind(self) -> str:
        if self._markdown is None:
            self._markdown = self._make()
        return self._kind

    @property
    def markdown(self) -> list[str]:
        if self._markdown is None:
            self._markdown = self._make()
        return self._markdown

    def _make(self) -> list[str]:
        base_url = self._base_url
        parts = self._parts
        if parts is None:
            # Text alone: escaping adds no space, so it commutes with collapsing spaces.
            markdown = escape(self.plain)
        elif self._kind == ROW:
            return [
                _tidy(_inline_markdown(cell, base_url))
                for cell in parts
                if not isinstance(cell, str)
            ]
        else:
            markdown = _tidy(
                "".join(
                    escape(part) if isinstance(part, str) else _inline_markdown(part, base_url)
                    for part in parts
                )
            )
        if self._kind == PARAGRAPH and _subheading(self.element, self.plain, markdown):
            self._kind = SUBHEADING
            bold = _BOLD.match(markdown)
            if bold:
                markdown = bold.group(1)
        return [markdown]


@dataclass
class Structure:
    """The rendered lines of a (pruned) tree, found by their ``line_key``."""

    units: dict[str, list[Unit]] = field(default_factory=dict)

    def take(self, line: str) -> Unit | None:
        """The first unseen unit whose line is ``line`` (a repeated line takes the next)."""
        return self.take_key(line_key(line))

    def take_key(self, key: str) -> Unit | None:
        """``take`` of a line whose ``line_key`` is ``key``."""
        found = self.units.get(key)
        return found.pop(0) if found else None


_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)])\s+")
_BULLET_START = frozenset("-*•·")


def line_key(line: str) -> str:
    """What a line and its Markdown have in common: no spaces, list bullet or table pipes
    (trafilatura writes "- item" and "| a | b |", the main block "item" and "ab")."""
    rest = line
    start = line.lstrip()[:1]
    if start and (start in _BULLET_START or start.isdigit()):
        rest = _BULLET.sub("", line)
    if line.isprintable():  # its only space is " " (every other space is unprintable)
        return rest.replace(" ", "").replace("|", "") or line.replace(" ", "")
    return "".join(rest.split()).replace("|", "") or "".join(line.split())


def _spaced_key(line: str) -> str:
    """``line_key`` of a line whose only spaces are single " " (``" ".join(x.split())``)."""
    rest = line
    start = line[:1]
    if start in _BULLET_START or start.isdigit():
        rest = _BULLET.sub("", line)
    return rest.replace(" ", "").replace("|", "") or line.replace(" ", "")


def read_structure(
    root: HtmlElement, base_url: str, wanted: AbstractSet[str] | None = None
) -> Structure:
    """Walk ``root`` once, the way ``render_lines`` breaks it into lines. ``wanted``: the
    ``line_key`` of every line the caller will ``take``, where it knows them; the other
    lines are not kept (a page renders about twice the lines its text keeps)."""
    walker = _Walker(base_url, wanted)
    walker.block(root, PARAGRAPH)
    walker.flush()
    return walker.structure


# Elements whose lines are their own: the blocks (a <br> aside) and table cells, captions.
_BREAKING = frozenset(BLOCK_TAGS - {"br"} | {"td", "th", "figcaption"})


class _Walker:
    def __init__(self, base_url: str, wanted: AbstractSet[str] | None = None) -> None:
        self.base_url = base_url
        self.wanted = wanted
        self.structure = Structure()
        self.kind = PARAGRAPH
        self.element: HtmlElement | None = None
        # The current line's text pieces, and the same pieces for its Markdown (which
        # matter only when an inline element is among them: ``inline``).
        self.plain: list[str] = []
        self.parts: list[str | HtmlElement] = []
        self.inline = False
        self.cells: list[tuple[str, HtmlElement]] | None = None

    def flush(self) -> None:
        if self.cells is not None:
            cells = [(" ".join(p.split()), cell) for p, cell in self.cells]
            kept = [(p, cell) for p, cell in cells if p]
            if kept and self.element is not None:
                parts: list[str | HtmlElement] = [cell for _, cell in kept]
                plain = " | ".join(p for p, _ in kept)
                key = _spaced_key(plain)
                if self.wanted is None or key in self.wanted:
                    unit = Unit(ROW, self.element, plain, parts, self.base_url)
                    self.structure.units.setdefault(key, []).append(unit)
            self.cells = None
        elif self.plain and self.element is not None:
            plain = " ".join("".join(self.plain).split())
            if plain:
                key = _spaced_key(plain)
                if self.wanted is None or key in self.wanted:
                    pieces = self.parts if self.inline else None
                    unit = Unit(self.kind, self.element, plain, pieces, self.base_url)
                    self.structure.units.setdefault(key, []).append(unit)
        if self.plain:
            self.plain, self.parts, self.inline = [], [], False

    def block(self, el: HtmlElement, kind: str, text: str | None = None) -> None:
        """A block element: the lines before it end, its own lines take ``kind``
        (``text``: its text when the caller has read it already)."""
        tag = el.tag
        if tag in HEADINGS:
            kind = f"h{max(HEADINGS[tag], BODY_LEVEL_MIN)}"
        elif tag == "li":
            parent = el.getparent()
            kind = "ol" if parent is not None and parent.tag == "ol" else "li"
        elif tag == "blockquote":
            kind = "quote"
        # (flush() is asked only with a line pending: most blocks start and end none.)
        if self.plain or self.cells is not None:
            self.flush()
        outer, outer_el = self.kind, self.element
        self.kind, self.element = kind, el
        if tag == "tr":
            self.cells = [(_inline_plain(cell), cell) for cell in el if cell.tag in ("td", "th")]
        else:
            self._children(el, text)
        if self.plain or self.cells is not None:
            self.flush()
        self.kind, self.element = outer, outer_el
        # Text after a block belongs to the enclosing block.
        tail = el.tail
        if tail and tail.strip():
            self.element = el.getparent()
            self._text(tail)

    def _children(self, el: HtmlElement, text: str | None = None) -> None:
        if text is None:
            text = el.text  # (each read of .text makes a new string: read once)
        if text:
            self._text(text)
        for child in el:
            tag = child.tag  # (a comment's or an instruction's is a function: in no set)
            if tag in _BREAKING:
                if len(child):
                    self.block(child, self.kind)
                elif _shows(inner := child.text):
                    self.block(child, self.kind, inner)
                else:  # an empty block (a rule, a spacer): it only ends the line before it
                    if self.plain or self.cells is not None:
                        self.flush()
                    tail = child.tail
                    if tail and tail.strip():
                        self.element = el
                        self._text(tail)
            elif tag == "br":
                if self.plain or self.cells is not None:
                    self.flush()
                self.element = el
                tail = child.tail
                if tail:
                    self._text(tail)
            elif tag in SKIP_TAGS or not isinstance(tag, str):
                tail = child.tail
                if tail:
                    self._text(tail)
            else:
                self._inline(child)

    def _text(self, text: str) -> None:
        if self.element is None:
            return
        self.plain.append(text)
        self.parts.append(text)

    def _inline(self, el: HtmlElement) -> None:
        """An inline element: its Markdown into the current line (a block inside it breaks)."""
        plain = _inline_text(el)
        if plain is None:
            self._children(el)  # a span or link wrapping paragraphs: their structure wins
        else:
            self.plain.append(plain)
            self.parts.append(el)
            self.inline = True
        tail = el.tail
        if tail:
            self._text(tail)


def _shows(text: str | None) -> bool:
    """Whether a text or tail holds more than spaces."""
    if not text:
        return False
    return not text.isspace()


def _inline_text(el: HtmlElement) -> str | None:
    """``_inline_plain`` of an inline element, or None when a block (or a ``<br>``) stands
    anywhere inside it."""
    text = el.text
    if not len(el):
        return text or ""
    out = [text] if text else []
    for child in el:
        tag = child.tag
        if isinstance(tag, str):
            if tag in BLOCK_TAGS:
                return None
            if tag in SKIP_TAGS:
                if _holds_block(child):
                    return None
            elif len(child):
                inner = _inline_text(child)
                if inner is None:
                    return None
                out.append(inner)
            else:
                inner = child.text
                if inner:
                    out.append(inner)
        tail = child.tail
        if tail:
            out.append(tail)
    return "".join(out)


def _holds_block(el: HtmlElement) -> bool:
    return any(child.tag in BLOCK_TAGS for child in el.iterdescendants())


def _inline_plain(el: HtmlElement) -> str:
    """The text an inline element shows (a ``<br>`` in it a space)."""
    text = el.text
    if not len(el):
        return text or ""
    out = [text] if text else []
    for child in el:
        tag = child.tag
        if tag == "br":
            out.append(" ")
        elif isinstance(tag, str) and tag not in SKIP_TAGS:
            out.append(_inline_plain(child))
        tail = child.tail
        if tail:
            out.append(tail)
    return "".join(out)


def _inline_markdown(el: HtmlElement, base_url: str) -> str:
    """An inline element as Markdown: ``_inline_plain`` with its markup."""
    text = el.text
    out = [escape(text)] if text else []
    for child in el:
        tag = child.tag
        if tag == "br":
            out.append(" ")
        elif isinstance(tag, str) and tag not in SKIP_TAGS:
            out.append(_inline_markdown(child, base_url))
        tail = child.tail
        if tail:
            out.append(escape(tail))
    return _wrap(el, "".join(out), base_url)


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


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group(1)


def escape(text: str) -> str:
    """Plain text as Markdown that shows it as it is."""
    # A function, not a template: a template is parsed in Python on every call.
    return _INLINE_MARKUP.sub(_backslashed, text)


def _escape_start(line: str) -> str:
    return "\\" + line if _LINE_START.match(line) else line


def to_markdown(lines: list[str], units: list[Unit | None]) -> str:
    """The text's lines as Markdown, each in the form the page gave it (``units``: what
    ``Structure.take`` found for each line)."""
    return assemble([_unit_line(line, unit) for line, unit in zip(lines, units, strict=True)])


def _unit_line(line: str, unit: Unit | None) -> tuple[str, str]:
    """(kind, Markdown line) of one text line; the line itself where the markup would not
    give it back (the text was cut inside the element, or cleaned)."""
    if unit is None:
        return PARAGRAPH, _escape_start(escape(line))
    kind = unit.kind  # (a property: read once)
    markdown = unit.markdown
    if kind == "row":
        row = "| " + " | ".join(_cell(m) for m in markdown) + " |"
        if line_key(plain_inline(row)) == line_key(line):
            return "row", row
        return PARAGRAPH, _escape_start(escape(line))
    bare = _BULLET.sub("", line) if kind in ("li", "ol") else line
    inline = markdown[0] if markdown else ""
    if plain_inline(inline) != bare:
        inline = escape(bare)
    return kind, _escape_start(inline) if kind in (PARAGRAPH, "quote") else inline


def _cell(markdown: str) -> str:
    if "|" not in markdown:
        return markdown
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
    if not _INLINE_MARKUP.search(text):
        return text  # no link, emphasis, code or escape in it
    if "[" in text:
        text = _LINK.sub(_group, text)
    text = _MARKERS.sub("", text)
    return _ESCAPED.sub(_group, text) if "\\" in text else text


def _group(match: re.Match[str]) -> str:
    """The first group (a function, not the template r"\\1": see ``escape``)."""
    return match.group(1)


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
