"""``read_page``: one parse of the page, then metadata, chrome pruning, body, decision."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from pipelines.cleaning.dom import flatten_layout_tables, prune_chrome
from pipelines.cleaning.lines import clean_lines
from pipelines.cleaning.normalise import normalise_text
from pipelines.extraction import metadata as md
from pipelines.extraction import published as pub
from pipelines.extraction.classify import classify
from pipelines.extraction.links import read_links
from pipelines.extraction.mainblock import best_block, render_lines
from pipelines.extraction.text import block_key, text_fingerprint, word_count

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
    parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    parser.set_element_class_lookup(_HTML_CLASSES)
    return lxml.html.document_fromstring(html, parser=parser)


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
    reading = PageReading(url, "listing")
    meta = md.meta_values(tree)
    ld_objects = md.json_ld_objects(tree)
    ld = md.ld_article(ld_objects)
    body = tree.find("body")
    page_lines = render_lines(body) if body is not None else []
    site_names = _site_names(meta, ld, url)
    title = md.clean_title(
        _title_text(tree),
        [
            md._ld_text((ld or {}).get("headline")) or "",
            md.first_meta(meta, "og:title") or "",
            *md.headings(tree),
        ],
        site_names,
    )
    links = read_links(tree, url, options.link_prefixes, options.max_links)
    reading.links = links.follow
    reading.bad_links = links.bad
    reading.links_cut = links.cut
    anchors = links.headlines
    teaser_links = len(anchors)
    dated = pub.gather(tree, meta, ld, page_lines, _headline_element(tree, title), title)
    markup_authors = md.byline_names(tree) or md.dateline_authors(
        _after_headline(page_lines, title)
    )
    removed = prune_chrome(tree, list(options.prune_xpaths))
    flatten_layout_tables(tree)
    lines, block_words, main_block = _body_lines(tree, url, page_lines)
    cleaned = clean_lines(lines, title)
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
    # Structured data first, then byline markup, then byline lines found in the body.
    fields["authors"] = md.unique(fields["authors"] or markup_authors or cleaned.authors)
    fields["source"] = cleaned.source or fields.get("source")
    fields["editor"] = cleaned.editor
    reading.fields = fields
    verdict = classify(
        url,
        md.first_meta(meta, "og:type"),
        set().union(*(md.ld_types(o) for o in ld_objects)) if ld_objects else set(),
        fields["word_count"],
        block_words,
        bool(fields["published"]),
        teaser_links,
        *_headline_lines(cleaned.lines, anchors),
    )
    reading.signals = verdict.signals + (["body:main-block"] if main_block else [])
    if len(text) < options.min_text_chars:
        reading.kind = "listing" if not verdict.is_article else "reject"
        reading.reason = "no usable body"
        return reading
    reading.kind = "article" if verdict.is_article else "listing"
    return reading


# One XPath of 250 child steps, evaluated in C: it matches when any element is that deep.
_DEEP_PATH = lxml.etree.XPath("/" + "/".join(["*"] * 250))


def _depth_exceeded(tree: HtmlElement) -> bool:
    """lxml silently truncates past 255 levels; such a page cannot be read faithfully."""
    return bool(_DEEP_PATH(tree))


def _title_text(tree: HtmlElement) -> str | None:
    title = tree.find(".//title")
    return title.text_content() if title is not None else None


def _site_names(meta: dict[str, list[str]], ld: dict | None, url: str) -> list[str]:
    names = [
        md.first_meta(meta, "og:site_name", "application-name", "apple-mobile-web-app-title") or "",
        md._ld_text((ld or {}).get("publisher") or {}) or "",
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
        if len(line.strip()) >= TEXT_BLOCK_MIN_CHARS:
            keys.append(block_key(line))
    for line in page_lines:
        if len(keys) >= MAX_PAGE_BLOCKS:
            break
        if len(line) >= 4:
            keys.append(block_key(line))
    return keys[:MAX_PAGE_BLOCKS]


def _headline_lines(lines: list[str], anchor_texts: set[str]) -> tuple[int, float]:
    """Teaser-list evidence: how many body lines begin with another page's headline (or are
    cut-short teasers), and the share of the body's characters in those lines and the two
    short lines after each (the teaser sentence, its author or date)."""
    anchors: dict[str, list[str]] = {}
    for text in anchor_texts:
        anchors.setdefault(text[:8], []).append(text)
    count, chars, follow = 0, 0, 0
    for line in lines:
        cell = line.lstrip("|-*•· ")
        if len(cell) <= 240 and (_TRUNCATED.search(cell) or _starts_with_anchor(cell, anchors)):
            count += 1
            chars += len(cell)
            follow = 2
        elif follow and len(cell) <= 240:
            chars += len(cell)
            follow -= 1
        else:
            follow = 0
    total = sum(len(line) for line in lines) or 1
    return count, chars / total


def _starts_with_anchor(line: str, anchors: dict[str, list[str]]) -> bool:
    """The line begins with a link's text, or is the start of a link wrapping title + teaser.

    ``anchors`` maps the first 8 characters of each anchor text to the texts (every anchor
    text is 8+ characters), so a line is compared with a handful of anchors, not all.
    """
    for anchor in anchors.get(line[:8], ()):
        if line.startswith(anchor) if len(anchor) <= len(line) else anchor.startswith(line):
            return True
    return False


# A teaser's first sentence cut short: "... one of college hockey's ..." / "国家税务…".
_TRUNCATED = re.compile(r"(\.\.\.|…|⋯)\s*(\S{0,12}\s*)?\|?\s*$")


def _body_lines(tree: HtmlElement, url: str, page_lines: list[str]) -> tuple[list[str], int, bool]:
    """trafilatura's body, or the densest block when trafilatura has nothing or the whole page
    (then the third value is True)."""
    block = best_block(tree)
    dominant = block.own_chars if block is not None else 0
    try:
        doc = bare_extraction(tree, url=url, include_comments=False, with_metadata=False)
    except Exception:  # noqa: BLE001 - trafilatura raises anything on odd markup; fall back
        doc = None
    text = (doc.text if doc is not None else "") or ""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines or _whole_page(lines, page_lines, block, dominant):
        fallback = render_lines(block.element) if block is not None else []
        return fallback, _dominant_words(block), True
    return lines, _dominant_words(block), False


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


def _dominant_words(block: Any) -> int:
    if block is None:
        return 0
    # own_chars counts characters; for Latin text about 6 characters make a word.
    text = block.element.text_content()
    return (
        word_count(text)
        if block.own_chars > 0.5 * len("".join(text.split()))
        else int(block.own_chars / 6)
    )


def _fields(
    tree: HtmlElement,
    url: str,
    meta: dict[str, list[str]],
    ld: dict | None,
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
    modified = md.parse_iso(md._ld_text(ld.get("dateModified")), tz) or md.parse_iso(
        md.first_meta(
            meta, "article:modified_time", "og:updated_time", "lastmod", "dc.date.modified"
        ),
        tz,
    )
    authors = md.ld_names(ld.get("author")) if ld.get("author") else []
    if not authors:
        meta_author = md.first_meta(
            meta, "author", "article:author", "dc.creator", "byl", "sailthru.author"
        )
        if meta_author and not meta_author.startswith("http"):
            authors = md.split_names(meta_author)
    canonical = _canonical_href(tree)
    section = md._ld_text(ld.get("articleSection")) or md.first_meta(
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
    image = md._ld_text(ld.get("image")) or md.first_meta(
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
        "authors": authors,
        "published": published,
        "modified": modified,
        "language": language,
        "site_name": site_names[0] if site_names else None,
        "section": section,
        "tags": md.unique(t.strip() for t in tags if isinstance(t, str) and t.strip())[:30],
        "description": md._ld_text(ld.get("description"))
        or md.first_meta(meta, "description", "og:description", "twitter:description"),
        "text": text,
        "image": md.absolute(image, url),
        "word_count": word_count(text),
        "fingerprint": text_fingerprint(text),
        "source": None,
    }


def _canonical_href(tree: HtmlElement) -> str | None:
    """``//link[@rel="canonical"]/@href``, first match; iter("link") filters in C."""
    for el in tree.iter("link"):
        href = el.get("href")
        if href is not None and el.get("rel") == "canonical":
            return href
    return None


def _after_headline(page_lines: list[str], title: str | None, count: int = 6) -> list[str]:
    start = next((i for i, line in enumerate(page_lines) if title and title in line), None)
    return page_lines[start + 1 : start + 1 + count] if start is not None else []


def _headline_element(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    if not title:
        return None
    for el in tree.iter("h1", "h2", "h3"):
        if title in re.sub(r"\s+", " ", el.text_content()):
            return el
    return None
