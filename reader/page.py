"""``read_page``: one parse of the page, then metadata, chrome pruning, body, decision."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from reader import metadata as md
from reader import published as pub
from reader.bylines import credits_beside_body, lead_agency, read_byline
from reader.classify import ARTICLE_LIKE_LISTING, classify
from reader.dom import flatten_layout_tables, prune_chrome, scan_page
from reader.fallback import read_body
from reader.images import find_pictures
from reader.lines import clean_lines
from reader.links import read_links
from reader.mainblock import best_block, render_lines
from reader.normalise import normalise_text
from reader.pagination import NONE, Pagination, drop_rendering, read_pagination
from reader.people import blog_owner
from reader.shape import body_shape, without_captions, without_table_rules
from reader.siterules import SiteRules, take_rules
from reader.structured import first_link
from reader.text import block_key, count_words, text_fingerprint, text_length, word_count

# A page's lines hashed for site-template learning, at most this many.
MAX_PAGE_BLOCKS = 400
# A line of the text is counted for template learning from this many characters (QQ, 微信).
TEXT_BLOCK_MIN_CHARS = 1
# trafilatura's text is "the whole page" when it holds this share of the page's visible text,
# the densest block holds a real body (BLOCK_MIN_CHARS, BLOCK_SHARE of trafilatura's text) and
# the rest is mostly short lines (menus, link bars). Calibrated on both benchmark sets, where a
# looser test (0.6 of the page) replaced good trafilatura bodies with one paragraph.
WHOLE_PAGE_SHARE = 0.8
BLOCK_MIN_CHARS = 200
BLOCK_SHARE = 0.3
SHORT_LINE_CHARS = 25
SHORT_LINES_SHARE = 0.5
# Sentences shorter than this in all (characters, a CJK character counting as a word:
# about 200 words or CJK characters) are a brief's: its container is read instead of
# trafilatura's text when that adds only short lines around it or misses at least
# SHORT_BODY_MORE of it.
SHORT_BODY_CHARS = 1200
SHORT_BODY_MORE = 20
# The headline and the dateline are looked for in this many lines at the start of the text.
HEAD_LINES = 3
# A dateline ("March 14, 2025", "2025-03-04 18:20 来源：...") is at most this long.
DATELINE_CHARS = 100
# Lines above the headline in a body that took the page's head along: at most this many,
# each at most this long (a logo, a menu entry, a breadcrumb), none a sentence.
PAGE_HEAD_LINES = 12
PAGE_HEAD_LINE_CHARS = 60


@dataclass(frozen=True)
class ReadOptions:
    """What the caller knows about the page's site; passed explicitly, never global."""

    language_hint: str | None = None
    timezone_hint: str | None = None
    prune_xpaths: tuple[str, ...] = ()
    min_text_chars: int = 80
    max_chars: int = 5_000_000
    # The crawl's worker returns only links that start with one of these (the site's
    # ``scheme://host/`` prefixes) and counts the rest; () returns every link.
    link_prefixes: tuple[str, ...] = ()
    # The worker returns at most this many of those links (0: all) and counts the rest.
    max_links: int = 0
    # The site's extraction rules from the sites file (reader.siterules).
    rules: SiteRules | None = None
    # The body's shape beside its text (reader.shape): Markdown, pictures.
    markdown: bool = True
    images: bool = True
    # Those also for a page read as a listing (an article's later page: "?page=3").
    shape_listings: bool = False


@dataclass
class PageReading:
    """Everything read off one page. ``kind`` is article, listing or reject."""

    url: str
    kind: str
    reason: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    removed: dict[str, int] = field(default_factory=dict)
    # The page's absolute links, for the spider to follow (it does not parse pages itself).
    links: list[str] = field(default_factory=list)
    # SimHash of an article's text, filled in by the worker task for the dedupe stage.
    simhash: int | None = None
    # Filled in by the worker task, which decodes the page's bytes: how ("utf-8", "meta",
    # "detected", ...), and what a reject's record should say beyond its reason.
    decoding: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # Absolute http(s) links the worker left out of ``links`` as off-site (link_prefixes).
    offsite_links: int = 0
    # Hrefs skipped because they make no fetchable URL ("http://[x]", a bad port): counted.
    bad_links: int = 0
    # Links the worker cut beyond ReadOptions.max_links.
    links_cut: int = 0
    # The article's own pagination (reader.pagination): its other pages.
    pagination: Pagination = NONE


class PageTooLarge(ValueError):
    """The page is over the size limit: reading it would stall a worker."""


# lxml.html's own lookup is a Python call per element proxy (over a million per 100 pages,
# trafilatura's passes included); this C lookup gives the same HtmlElement classes, only
# without the form-control subclasses (FormElement, InputElement...) that nothing here uses.
_HTML_CLASSES = lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement,
    comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)


def parse_html(html: str, max_chars: int) -> HtmlElement:
    """Parse decoded HTML once; the tree is shared by every later step."""
    if len(html) > max_chars:
        raise PageTooLarge(f"too large: {len(html)} characters")
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    # libxml2 reads UTF-8 bytes faster than a str (as trafilatura's own loader does), and a
    # declared encoding outranks the page's charset meta, which described its bytes, not
    # this text. A lone surrogate becomes "?": handed over in a str it ended the text there.
    parser = lxml.etree.HTMLParser(
        remove_comments=True, remove_pis=True, default_doctype=False, encoding="utf-8"
    )
    parser.set_element_class_lookup(_HTML_CLASSES)
    return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)


def read_page(html: str, url: str, options: ReadOptions | None = None) -> PageReading:
    """Read one decoded page into an article (fields + clean text) or a listing/reject."""
    options = options or ReadOptions()
    try:
        tree = parse_html(html, options.max_chars)
    except PageTooLarge as exc:
        return PageReading(url, "reject", str(exc))
    except (lxml.etree.ParserError, ValueError) as exc:
        return PageReading(url, "reject", f"unparseable html: {exc}")
    if _depth_exceeded(tree):
        return PageReading(url, "reject", "too deeply nested")
    ruled = take_rules(tree, url, options.rules) if options.rules else None
    reading = PageReading(url, "listing")
    meta = md.meta_values(tree)
    ld_objects = md.json_ld_objects(tree)
    ld = md.ld_article(ld_objects)
    body = tree.find("body")
    page_lines = render_lines(body) if body is not None else []
    site_names = _site_names(meta, ld, url)
    sources = md.title_sources(tree, meta, ld, url)
    title = md.page_title(sources, site_names)
    headlines = [sources.structured or "", sources.og or "", *sources.headings]
    links = read_links(tree, url, options.link_prefixes, options.max_links)
    reading.links = links.follow
    reading.bad_links = links.bad
    reading.links_cut = links.cut
    anchors = links.headlines
    reading.pagination, paging = read_pagination(tree, url, links.texts)
    teaser_links = len(anchors)
    headline = _headline_element(tree, title)
    dated = pub.gather(tree, meta, ld, page_lines, headline, title)
    # One walk of the unpruned page for the chrome tests and the byline markup.
    scan = scan_page(tree)
    markup_authors = md.byline_names(tree, (scan.marked, scan.bylines)) or md.dateline_authors(
        _after_headline(page_lines, dated.headline_index)
    )
    owner = blog_owner(tree)  # before pruning: a blog's profile box is chrome
    # The page's headline as its own sources give it (not a subheading or a dek), and
    # whether it stands on the page: the title in a heading, or the page's h1.
    h1s = [el.text_content() for el in tree.iter("h1")]
    heads = {_squash(h) for h in (title or "", *headlines[:2], *h1s) if h.strip()}
    has_headline = bool(h1s) or headline is not None
    # Pictures before pruning: it removes their captions and <noscript> fallbacks.
    pictures = find_pictures(tree, url)
    removed = prune_chrome(tree, list(options.prune_xpaths), scan)
    if paging and (dropped := drop_rendering(paging)):
        removed["pagination"] = dropped
    flatten_layout_tables(tree)
    lines, block_words, main_block = _body_lines(tree, url, page_lines)
    if ruled is not None and ruled.body_lines:
        lines = ruled.body_lines
    cleaned = clean_lines(_from_headline(lines, heads, removed), title)
    names = {_squash(n) for n in [*site_names, *_title_rest(sources.document, title)]}
    cleaned.lines = _drop_head(cleaned.lines, heads, names, removed)
    cleaned.lines = without_captions(without_table_rules(cleaned.lines, removed), pictures, removed)
    removed.update(cleaned.removed)
    reading.removed = dict(removed)
    text = normalise_text("\n".join(cleaned.lines))
    reading.blocks = _page_blocks(text.split("\n"), page_lines)
    language = (
        options.language_hint
        or md.declared_language(tree, meta, ld)
        or md.detect_language(text or " ".join(page_lines[:50]))
    )
    fields = _fields(tree, url, meta, ld, title, text, language, site_names, options, dated)
    # Structured data first, then meta, byline markup and byline lines: people win.
    beside = credits_beside_body(page_lines, cleaned.lines)
    credited = md.credits(
        md.ld_credits((ld or {}).get("author")),
        md.meta_authors(meta),
        markup_authors,
        cleaned.authors or beside.authors,
        site_names,
        [s for s in (cleaned.source, lead_agency(cleaned.lines[0] if cleaned.lines else "")) if s],
        cleaned.compilers or beside.compilers or owner,
    )
    fields["authors"] = credited.authors
    fields["source"] = cleaned.source or credited.source
    fields["editor"] = cleaned.editor
    reading.fields = fields
    if ruled is not None:
        ruled.apply(fields, reading.links, md.timezone_for(language, options.timezone_hint))
    teasers, teaser_share, prose_words, marks = _headline_lines(
        cleaned.lines, anchors, text, word_count(text)
    )
    verdict = classify(
        url,
        md.first_meta(meta, "og:type"),
        set().union(*(md.ld_types(o) for o in ld_objects)) if ld_objects else set(),
        fields["word_count"],
        block_words,
        bool(fields["published"]),
        teaser_links,
        teasers,
        teaser_share,
        prose_words=prose_words,
        has_headline=has_headline,
    )
    reading.signals = verdict.signals + (["body:main-block"] if main_block else [])
    if "text:teasers-beside-body" in verdict.signals and not (ruled and ruled.body_lines):
        text = _without_teaser_lists(cleaned.lines, marks, fields, removed)
    # text_length is never below len: a text long enough is told without counting its CJK.
    if len(text) < options.min_text_chars and text_length(text) < options.min_text_chars:
        reading.kind = "listing" if not verdict.is_article else "reject"
        reading.reason = "no usable body"
    else:
        reading.kind = "article" if verdict.is_article else "listing"
    if reading.kind == "article" or (options.shape_listings and reading.kind == "listing"):
        fields.update(
            body_shape(tree, url, text, pictures, fields["image"], options.markdown, options.images)
        )
    if reading.kind == "listing" and verdict.article_like:
        # Followed like any listing, but recorded: a page that looks like an article and
        # is not delivered must never be a silent loss.
        reading.details = {
            "why": reading.reason or "listing by its evidence",
            "score": verdict.score,
            "signals": reading.signals,
            "words": fields["word_count"],
        }
        reading.reason = ARTICLE_LIKE_LISTING
    return reading


def _from_headline(lines: list[str], heads: set[str], removed: dict[str, int]) -> list[str]:
    """The article starts under its headline: when the body holds the headline (one of the
    page's own headline sources) after a few short lines (logo, menu, breadcrumb, section
    label: the page's head, which a body read off a small page takes along), the headline
    and everything above it go."""
    for i, line in enumerate(lines[:PAGE_HEAD_LINES]):
        if _squash(line) in heads:
            removed["page head above the headline"] = (
                removed.get("page head above the headline", 0) + i
            )
            removed["headline repeated in body"] = removed.get("headline repeated in body", 0) + 1
            return lines[i + 1 :]
        if len(line.strip()) > PAGE_HEAD_LINE_CHARS or _SENTENCE.search(line):
            break
    return lines


def _drop_head(
    lines: list[str], heads: set[str], names: set[str], removed: dict[str, int]
) -> list[str]:
    """The text starts with the article's first paragraph: a headline (any of the page's own
    headline sources) or a dateline before it is already in ``title`` and ``published``; the
    site's name there is the info line's or the logo's."""
    start = 0
    while start < min(HEAD_LINES, len(lines)):
        line = lines[start].strip()
        if _squash(line) in heads:
            reason = "headline repeated in body"
        elif _squash(line) in names:
            reason = "site name"
        elif _is_dateline(line):
            reason = "dateline"
        else:
            break
        removed[reason] = removed.get(reason, 0) + 1
        start += 1
    return lines[start:]


def _title_rest(title_text: str | None, title: str | None) -> list[str]:
    """What the ``<title>`` holds beside the headline: the site's name ("headline_Site")."""
    if not title_text or not title or title not in title_text:
        return []
    return [p for p in re.split(r"[_|｜\-–—:：·]+", title_text.replace(title, " ")) if p.strip()]


def _is_dateline(line: str) -> bool:
    """A short line that carries a date and is not a sentence."""
    return (
        len(line) <= DATELINE_CHARS
        and not _SENTENCE.search(line)
        and bool(pub.dates_in(line, None))
    )


# A sentence's end: CJK full stops, or a word and a stop: a lowercase word ("out.",
# "said.”") or a capitalised one of five letters or more ("Street.", "Paris."), so not an
# abbreviation like "Mrs.", "Sept." or "Corp.", nor a number. The word starts at a word
# boundary: a run of a million letters is scanned once, not once per letter.
_SENTENCE = re.compile(r"[。！？]|\b(?:[a-z]{2,}|[A-Z][a-z]{4,})[.!?]['\"”’)）]?(\s|$)")


def _squash(text: str) -> str:
    return "".join(text.split())


# One XPath of 250 child steps, evaluated in C: it matches when any element is that deep.
_DEEP_PATH = lxml.etree.XPath("/" + "/".join(["*"] * 250))


def _depth_exceeded(tree: HtmlElement) -> bool:
    """lxml silently truncates past 255 levels; such a page cannot be read faithfully."""
    return bool(_DEEP_PATH(tree))


def _site_names(meta: dict[str, list[str]], ld: dict[str, Any] | None, url: str) -> list[str]:
    names = [
        md.first_meta(meta, "og:site_name", "application-name", "apple-mobile-web-app-title") or "",
        md.ld_text((ld or {}).get("publisher") or {}) or "",
    ]
    host = urlsplit(url).hostname or ""
    names.append(host.removeprefix("www."))
    return [n for n in names if n]


def _page_blocks(text_lines: list[str], page_lines: list[str]) -> list[str]:
    """Site-template keys: the text's own lines first, as the cleaning stage will strip them,
    short labels (微信, "X") included; then the page's rendered lines.

    trafilatura splits a share bar into one label a line where the page renders it as one
    line: only the text's own lines let a bar repeated on every page be learnt as template.
    """
    keys: list[str] = []
    for line in text_lines:
        if len(keys) >= MAX_PAGE_BLOCKS:
            break
        if len(line.strip()) >= TEXT_BLOCK_MIN_CHARS:
            keys.append(block_key(line))
    for line in page_lines:
        if len(keys) >= MAX_PAGE_BLOCKS:
            break
        if len(line) >= 4:
            keys.append(block_key(line))
    return keys[:MAX_PAGE_BLOCKS]


def _without_teaser_lists(
    lines: list[str], marks: list[bool], fields: dict[str, Any], removed: dict[str, int]
) -> str:
    """An article's text without the teaser lists before and after its own prose (related
    news, most read, previous/next): the lines ``_headline_lines`` marked, at either end."""
    kept = [i for i, mark in enumerate(marks) if not mark]
    if not kept:
        return str(fields["text"])
    first, last = kept[0], kept[-1]
    dropped = first + len(lines) - 1 - last
    if not dropped:
        return str(fields["text"])
    removed["teaser list beside the body"] = removed.get("teaser list beside the body", 0) + dropped
    text = normalise_text("\n".join(lines[first : last + 1]))
    fields.update(text=text, word_count=word_count(text), fingerprint=text_fingerprint(text))
    return text


def _headline_lines(
    lines: list[str], anchor_texts: set[str], text: str, text_words: int
) -> tuple[int, float, int, list[bool]]:
    """Teaser-list evidence: how many body lines begin with another page's headline (or are
    cut-short teasers), the share of the body's characters in those lines and the two
    short lines after each (the teaser sentence, its author or date), the words of the
    other lines (the page's own prose), and which lines are teasers.

    ``text`` is the body's text and ``text_words`` its word count: where the text is the
    lines joined, the prose's words are told from it and the few lines that differ."""
    anchors: dict[str, list[str]] = {}
    for anchor in anchor_texts:
        anchors.setdefault(anchor[:8], []).append(anchor)
    count, chars, follow = 0, 0, 0
    prose: list[str] = []
    marks: list[bool] = []
    # The lines that are not prose as they stand (teasers, lines whose cell differs) and
    # the cells that are prose in their stead.
    dropped: list[str] = []
    added: list[str] = []
    for line in lines:
        cell = line.lstrip("|-*•· ")
        # Only a cell that starts with a digit (isdigit() holds every \d) or "top" has a rank.
        if cell[:1].isdigit() or cell[:3].lower() == "top":
            cell = _RANK.sub("", cell)
        teaser = True
        if len(cell) <= 240 and (_TRUNCATED.search(cell) or _starts_with_anchor(cell, anchors)):
            count += 1
            chars += len(cell)
            follow = 2
            dropped.append(line)
        elif follow and len(cell) <= 240:
            chars += len(cell)
            follow -= 1
            dropped.append(line)
        else:
            follow, teaser = 0, False
            prose.append(cell)
            if cell != line:
                dropped.append(line)
                added.append(cell)
        marks.append(teaser)
    total = sum(len(line) for line in lines) or 1
    joined = "\n".join(lines)
    if joined != text:
        return count, chars / total, word_count("\n".join(prose)), marks
    # No word runs across a line break: the words of lines joined are the sum of theirs.
    words = text_words - count_words("\n".join(dropped)) + count_words("\n".join(added))
    return count, chars / total, words, marks


def _starts_with_anchor(line: str, anchors: dict[str, list[str]]) -> bool:
    """The line begins with a link's text, or is the start of a link wrapping title + teaser.

    ``anchors`` maps the first 8 characters of each anchor text to the texts (every anchor
    text is 8+ characters), so a line is compared with a handful of anchors, not all.
    """
    for anchor in anchors.get(line[:8], ()):
        if line.startswith(anchor) if len(anchor) <= len(line) else anchor.startswith(line):
            return True
    return False


# A ranking's number before a headline ("1主城区…", "02. Storm…"); a year is not one.
_RANK = re.compile(r"^(?:top\s*)?\d{1,2}(?!\d)[.、)]?\s*", re.I)
# A teaser's first sentence cut short: "... one of college hockey's ..." / "国家税务…".
_TRUNCATED = re.compile(r"(\.\.\.|…|⋯)\s*(\S{0,12}\s*)?\|?\s*$")


def _body_lines(tree: HtmlElement, url: str, page_lines: list[str]) -> tuple[list[str], int, bool]:
    """trafilatura's body, or the densest block when trafilatura has nothing or the whole page
    (then the third value is True)."""
    block = best_block(tree)
    dominant = block.own_chars if block is not None else 0
    block_text = block.element.text_content() if block is not None else ""
    pieces = block_text.split()
    # The block's characters without whitespace, and with a space between its words.
    nonspace = len("".join(pieces))
    block_chars = nonspace + len(pieces) - 1 if pieces else 0
    try:
        text = read_body(tree, url, block_chars) or ""
    except Exception:  # noqa: BLE001 - trafilatura raises anything on odd markup; fall back
        text = ""
    lines = [line for line in text.split("\n") if line.strip()]
    short = _short_body(tree, lines) if lines else None
    if short is not None:
        return short, _dominant_words(block, block_text, pieces, nonspace), True
    if not lines or _whole_page(lines, page_lines, block, dominant):
        fallback = render_lines(block.element) if block is not None else []
        return fallback, _dominant_words(block, block_text, pieces, nonspace), True
    return lines, _dominant_words(block, block_text, pieces, nonspace), False


def _short_body(tree: HtmlElement, lines: list[str]) -> list[str] | None:
    """A brief's own container, where trafilatura's reading of it is worse: it dropped
    paragraphs of the short body (a one-line quote), or took the page around it (info
    line, tool links, share bar; the whole-page test needs a longer block to tell). The
    container holds every sentence trafilatura found, and grows only by sentences; what
    trafilatura kept beyond it must be short lines (headline, dateline, labels)."""
    paragraphs = [line for line in lines if len(line.strip()) >= SHORT_LINE_CHARS]
    joined = "".join(paragraphs)
    # text_length is never below len: a long body is told without counting its CJK.
    if len(joined) >= SHORT_BODY_CHARS or text_length(joined) >= SHORT_BODY_CHARS:
        return None
    sentences = [line for line in lines if _SENTENCE.search(line)]
    if not sentences:
        return None
    holder = _holder(tree, [_squash(line) for line in sentences])
    if holder is None:
        return None
    holder = _widest(holder, {_squash(line) for line in lines})
    block_lines = render_lines(holder)
    in_block = {_squash(line) for line in block_lines}
    kept = {i for i, line in enumerate(lines) if _squash(line) in in_block}
    outside = [line.strip() for i, line in enumerate(lines) if i not in kept]
    long_outside = [line for line in outside if len(line) >= SHORT_LINE_CHARS]
    if any(_SENTENCE.search(line) for line in long_outside) or text_length(
        "".join(long_outside)
    ) >= text_length("".join(lines[i] for i in kept)):
        return None
    # The container's lines trafilatura kept, and the sentences it dropped (not the
    # container's labels: a share bar or a video's duration inside it stays out).
    ours = {_squash(lines[i]) for i in kept}
    body = [line for line in block_lines if _squash(line) in ours or _SENTENCE.search(line)]
    more = text_length("".join(body)) - text_length("".join(lines[i] for i in kept))
    return body if outside or more >= SHORT_BODY_MORE else None


def _widest(holder: HtmlElement, kept: set[str]) -> HtmlElement:
    """The holder's largest ancestor that adds only sentences trafilatura dropped (a closing
    quote in a sibling paragraph) and credit lines (a byline closing the body: the line
    cleaning takes it), no labels or headlines."""
    node, node_lines = holder, set(render_lines(holder))
    parent = node.getparent()
    while parent is not None and parent.tag != "html":
        parent_lines = render_lines(parent)
        added = [line for line in parent_lines if line not in node_lines]
        if any(
            _squash(line) not in kept
            and not _SENTENCE.search(line)
            and read_byline(line, at_edge=True, bare=False) is None
            for line in added
        ):
            break
        node, node_lines = parent, set(parent_lines)
        parent = node.getparent()
    return node


def _holder(tree: HtmlElement, sentences: list[str]) -> HtmlElement | None:
    """The smallest element whose text holds every one of ``sentences`` (squashed): up from
    the element whose own text starts the first one."""
    probe = sentences[0][:12]
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if probe in _squash(el.text or ""):
            node = el
        elif probe in _squash(el.tail or ""):
            node = el.getparent()
        else:
            continue
        while node is not None:
            text = _squash(node.text_content())
            if all(s in text for s in sentences):
                return node
            node = node.getparent()
        return None
    return None


def _whole_page(lines: list[str], page_lines: list[str], block: Any, dominant: int) -> bool:
    """trafilatura kept the page, chrome and all, while one block holds the article."""
    page_chars = sum(len(line) for line in page_lines) or 1
    traf_chars = sum(len(line) for line in lines) or 1
    if traf_chars < WHOLE_PAGE_SHARE * page_chars or dominant < BLOCK_MIN_CHARS:
        return False
    if dominant < BLOCK_SHARE * traf_chars:
        return False
    in_block = set(render_lines(block.element))
    outside = [line for line in lines if line.strip() not in in_block]
    outside_chars = sum(len(line) for line in outside) or 1
    short = sum(len(line) for line in outside if len(line.strip()) < SHORT_LINE_CHARS)
    return short >= SHORT_LINES_SHARE * outside_chars


def _dominant_words(block: Any, text: str, pieces: list[str], nonspace: int) -> int:
    """Words of the main block (``text``: its text, read before trafilatura ran; ``pieces``:
    ``text.split()``; ``nonspace``: its characters less whitespace)."""
    if block is None:
        return 0
    # own_chars counts characters; for Latin text about 6 characters make a word.
    if block.own_chars > 0.5 * nonspace:
        return count_words(text, pieces)
    return int(block.own_chars / 6)


def _fields(
    tree: HtmlElement,
    url: str,
    meta: dict[str, list[str]],
    ld: dict[str, Any] | None,
    title: str | None,
    text: str,
    language: str | None,
    site_names: list[str],
    options: ReadOptions,
    dated: pub.DateEvidence,
) -> dict[str, Any]:
    ld = ld or {}
    tz = md.timezone_for(language, options.timezone_hint)
    published = pub.choose(dated, text.split("\n"), url, tz, language)
    modified = pub.parse_structured(md.ld_text(ld.get("dateModified")), tz) or pub.parse_structured(
        md.first_meta(
            meta, "article:modified_time", "og:updated_time", "lastmod", "dc.date.modified"
        ),
        tz,
    )
    canonical = _canonical_href(tree)
    section = md.ld_text(ld.get("articleSection")) or md.first_meta(
        meta, "article:section", "section"
    )
    keywords = ld.get("keywords")
    tags = meta.get("article:tag", []) or (
        keywords
        if isinstance(keywords, list)
        else [
            k
            for k in re.split(
                r"[,，;；]", keywords or md.first_meta(meta, "keywords", "news_keywords") or ""
            )
        ]
    )
    image = md.ld_text(ld.get("image")) or md.first_meta(
        meta, "og:image", "twitter:image", "og:image:url"
    )
    return {
        "url": url,
        "canonical_url": (
            md.absolute(canonical, url)
            if canonical is not None
            else md.absolute(md.first_meta(meta, "og:url"), url)
        )
        or url,  # an unusable canonical (bad host, other scheme) falls back to the page URL
        "title": title,
        "authors": [],
        "published": published,
        "modified": modified,
        "language": language,
        "site_name": site_names[0] if site_names else None,
        "section": section,
        "tags": md.unique(t.strip() for t in tags if isinstance(t, str) and t.strip())[:30],
        "description": md.ld_text(ld.get("description"))
        or md.first_meta(meta, "description", "og:description", "twitter:description"),
        "text": text,
        "image": md.absolute(image, url),
        "word_count": word_count(text),
        "fingerprint": text_fingerprint(text),
        "source": None,
    }


def _canonical_href(tree: HtmlElement) -> str | None:
    """``//link[@rel="canonical"]/@href``, first match; the head looked in first."""
    link = first_link(tree, "canonical", with_href=True)
    return None if link is None else str(link.get("href"))


def _after_headline(page_lines: list[str], start: int | None, count: int = 6) -> list[str]:
    """The lines under the headline's (``start``: the first page line holding the title)."""
    return page_lines[start + 1 : start + 1 + count] if start is not None else []


_SPACES = re.compile(r"\s+")


def _headline_element(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    if not title:
        return None
    for el in tree.iter("h1", "h2", "h3"):
        if title in _SPACES.sub(" ", el.text_content()):
            return el
    return None
