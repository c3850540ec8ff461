"""Article or listing? Decided from the page's own evidence, each signal a few points.

Signals: og:type, JSON-LD types, the URL's shape, a dominant text block, and a publish date.
A listing page (home, section, tag, author, search, pagination) is only followed, never
exported.

A page that looks like an article (dated, its headline on the page, an article-like URL) is
read as one even when its body is short: a brief of two sentences, or a short body beside
lists of other stories' headlines (related news, most read), which are not its body. Where
such a page is still decided a listing, the verdict says so (``article_like``), so the
decision can be recorded instead of passing silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from reader.structured import ARTICLE_TYPES, LISTING_TYPES

_DATE_PATH = re.compile(
    r"/(19|20)\d\d[/-]?(0[1-9]|1[0-2])([/-]?[0-3]\d)?(/|$)|/(19|20)\d{6}(/|$|\D)|(19|20)\d\d-\d\d/\d\d"
)
_ID_LEAF = re.compile(r"(\d{4,}|[0-9a-f]{10,})(\.s?html?|\.php|\.aspx?)?$", re.I)
_ARTICLE_LEAF = re.compile(r"\.(s?html?|php|aspx?)$", re.I)
_LISTING_SEGMENTS = {
    "tag",
    "tags",
    "topic",
    "topics",
    "author",
    "authors",
    "category",
    "categories",
    "section",
    "sections",
    "search",
    "page",
    "list",
    "lists",
    "index",
    "archive",
    "archives",
    "channel",
    "column",
    "columns",
    "feed",
    "rss",
    "latest",
    "home",
    "node",
    "login",
    "about",
    "contact",
    "people",
    "profile",
    "user",
    "users",
    "subject",
    "special",
    "zt",
    "zhuanti",
    "lanmu",
}
# Leaf names of listing pages: "index_2", "node_12", "list-3", "channel_5", "default".
_LISTING_STEM = re.compile(
    r"^(index|default|home|list|node|channel|column|category|cat|tag|section|more)([_-]?\d+)*$",
    re.I,
)
_LISTING_QUERY = re.compile(r"(^|&)(page|p|pg|paged|start|offset|q|query|s|keyword|tag|cat)=", re.I)
# A query naming one document ("?idx=8576", "?id=123&page=1") points at an article.
_ID_QUERY = re.compile(
    r"(^|&)(id|idx|aid|articleid|article_id|newsid|news_id|docid|doc_id|contentid|sn|no|story|storyid|nid|tid)=\w*\d{3,}",
    re.I,
)


@dataclass
class Verdict:
    """The decision and the points that led to it (kept for evaluation and debugging)."""

    is_article: bool
    score: int
    signals: list[str] = field(default_factory=list)
    # Dated, its headline on the page and an article-like URL, whatever the decision.
    article_like: bool = False


# The reason a page that looks like an article but is read as a listing gives in the rejects
# file (it is followed for links all the same).
ARTICLE_LIKE_LISTING = "article-like page read as a listing"

# Body words (CJK characters counting one each) of a page's own prose, beside any teaser
# lists, that make a short article of a page that looks like one: two sentences of a brief.
BRIEF_WORDS = 30


def looks_like_article(
    url_points: int, url_signals: list[str], has_date: bool, has_headline: bool
) -> bool:
    """Dated, its headline on the page, and a URL that names one document (id, date or slug
    leaf, an id query), not a listing path."""
    listing_url = any(s in _LISTING_URL_SIGNALS for s in url_signals)
    return has_date and has_headline and url_points > 0 and not listing_url


_LISTING_URL_SIGNALS = {"url:home", "url:listing-segment", "url:listing-query", "url:section-like"}


def url_shape(url: str) -> tuple[int, list[str]]:
    """Points from the URL alone: dated or id-like leaves up, home and tag/author paths down."""
    parts = urlsplit(url)
    path = parts.path or "/"
    segments = [s for s in path.split("/") if s]
    points, signals = 0, []
    if not segments:
        return -3, ["url:home"]
    leaf = segments[-1].lower()
    stem = re.sub(r"\.\w+$", "", leaf)
    if _LISTING_STEM.match(stem) or any(s.lower() in _LISTING_SEGMENTS for s in segments):
        points -= 2
        signals.append("url:listing-segment")
    if parts.query and _ID_QUERY.search(parts.query):
        points += 1
        signals.append("url:id-query")
    elif parts.query and _LISTING_QUERY.search(parts.query):
        points -= 2
        signals.append("url:listing-query")
    if _DATE_PATH.search(path):
        points += 1
        signals.append("url:date")
    if _ID_LEAF.search(stem) or (_ID_LEAF.search(leaf) and _ARTICLE_LEAF.search(leaf)):
        points += 1
        signals.append("url:id")
    if stem.count("-") >= 3 or stem.count("_") >= 3:
        points += 1
        signals.append("url:slug")
    if (
        len(segments) == 1
        and not _ARTICLE_LEAF.search(leaf)
        and points <= 0
        and stem.count("-") < 3
    ):
        points -= 1
        signals.append("url:section-like")
    return points, signals


def classify(
    url: str,
    og_type: str | None,
    ld_types: set[str],
    body_words: int,
    dominant_words: int,
    has_date: bool,
    teaser_links: int,
    headline_lines: int = 0,
    headline_share: float = 0.0,
    prose_words: int | None = None,
    has_headline: bool = False,
) -> Verdict:
    """Weigh the evidence; an article needs a body and positive points.

    ``headline_lines``/``headline_share``: the body's lines that are other pages' headlines
    (and their teaser lines), and their share of its characters; ``prose_words``: the body's
    words outside them (default: all of ``body_words``); ``has_headline``: the page's title
    stands in a heading element.
    """
    points, signals = url_shape(url)
    article_like = looks_like_article(points, signals, has_date, has_headline)
    prose = body_words if prose_words is None else prose_words
    teaser_list = (headline_lines >= 2 and headline_share >= 0.4) or headline_share >= 0.6
    # Teasers beside an article's own prose are not its body: measure the prose alone.
    beside_body = teaser_list and article_like and prose >= BRIEF_WORDS
    if og_type:
        if og_type.lower() == "article":
            points += 3
            signals.append("og:article")
        elif og_type.lower() in {"website", "profile", "object"}:
            points -= 1
            signals.append("og:" + og_type.lower())
    if ld_types & ARTICLE_TYPES:
        points += 3
        signals.append("ld:article")
    elif ld_types & LISTING_TYPES:
        points -= 1
        signals.append("ld:listing")
    body = prose if beside_body else max(body_words, dominant_words)
    if body >= 150:
        points += 2
        signals.append("text:long")
    elif body >= 60:
        points += 1
        signals.append("text:medium")
    elif article_like and body >= BRIEF_WORDS:
        signals.append("text:brief")
    else:
        points -= 2
        signals.append("text:short")
    if has_date:
        points += 1
        signals.append("date")
    if teaser_links >= 12 and dominant_words < 60:
        points -= 2
        signals.append("links:many-teasers")
    if beside_body:
        signals.append("text:teasers-beside-body")
    elif teaser_list:
        points -= 3
        signals.append("text:headline-list")
    if article_like:
        signals.append("looks:article")
    is_article = points >= 2 and body_words >= BRIEF_WORDS
    return Verdict(is_article, points, signals, article_like)
