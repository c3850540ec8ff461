"""Data shapes shared by the corpus, the templates, the builder and the tests.

An `Article` is content only (no markup); a template turns it into a page. The
`PortalTruth` is what a perfect crawl of the portal should produce, so tests can
score the crawler without re-deriving anything from HTML.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SUBHEADING_PREFIX = "## "
"""Body lines starting with this are subheadings (rendered as h2/strong, kept in the text)."""


@dataclass(frozen=True)
class Image:
    """Lead image of an article; `path` is on the portal's own host."""

    path: str
    caption: str
    credit: str | None = None


@dataclass(frozen=True)
class Figure:
    """A picture inside the body, after paragraph `after`; `form` is how the page captions
    it: "figcaption" (a <figure>, srcset sizes) or "centred" (an image-only centred
    paragraph, lazy-loaded with a <noscript> fallback, then a centred caption line)."""

    path: str
    caption: str
    after: int
    form: str = "figcaption"


@dataclass(frozen=True)
class Table:
    """A data table inside the body, after paragraph `after`; the first row is its header."""

    after: int
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Article:
    """One news story as data. `published` is local wall-clock time, ISO, minute precision."""

    id: int
    title: str
    authors: tuple[str, ...]
    section: str
    tags: tuple[str, ...]
    published: str
    body: tuple[str, ...]
    language: str = "zh"
    source: str | None = None
    image: Image | None = None
    modified: str | None = None
    figures: tuple[Figure, ...] = ()
    table: Table | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], language: str) -> Article:
        """Build from the corpus JSON shape (lists become tuples, image becomes `Image`)."""
        image = data.get("image")
        table = data.get("table")
        return cls(
            id=int(data["id"]),
            title=data["title"],
            authors=tuple(data["authors"]),
            section=data["section"],
            tags=tuple(data.get("tags", ())),
            published=data["published"],
            body=tuple(data["body"]),
            language=data.get("language", language),
            source=data.get("source"),
            image=Image(**image) if image else None,
            modified=data.get("modified"),
            figures=tuple(Figure(**f) for f in data.get("figures", ())),
            table=Table(table["after"], tuple(tuple(r) for r in table["rows"])) if table else None,
        )

    def replace(self, **changes: Any) -> Article:
        """Return an edited copy (articles are immutable so portals can diff old and new)."""
        return dataclasses.replace(self, **changes)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Body lines as they should appear in extracted text (subheading marker removed)."""
        return tuple(line.removeprefix(SUBHEADING_PREFIX) for line in self.body)


@dataclass(frozen=True)
class ArticleTruth:
    """Expected clean item for one article URL."""

    url: str
    title: str
    authors: tuple[str, ...]
    published: str
    modified: str | None
    section: str
    tags: tuple[str, ...]
    language: str
    site_name: str
    paragraphs: tuple[str, ...]
    image: str | None
    chrome: tuple[str, ...]
    """Strings visible on this article's page that must not end up in its text."""
    images: tuple[tuple[str, str], ...] = ()
    """(absolute src, caption) of the pictures the page shows inside the body."""
    subheadings: tuple[str, ...] = ()
    """The body's subheadings, as the page marks them (h2, h3, a bold paragraph)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(self).items()}


@dataclass
class PortalTruth:
    """What a correct crawl of a portal should see, keyed by absolute URL."""

    base_url: str
    articles: dict[str, ArticleTruth] = field(default_factory=dict)
    listings: list[str] = field(default_factory=list)
    other_pages: list[str] = field(default_factory=list)
    """Same-host HTML that is neither article nor listing (about, contact...)."""
    disallowed: list[str] = field(default_factory=list)
    """URLs that exist and are linked but robots.txt forbids."""
    media: list[str] = field(default_factory=list)
    """Same-host images/PDFs that must never be parsed as pages."""
    external_links: list[str] = field(default_factory=list)
    """Absolute links to other hosts found on the pages; none may be fetched."""
    article_pages: dict[str, list[str]] = field(default_factory=dict)
    """Multi-page articles: page 1's URL -> the URLs of pages 2..n (in ``other_pages`` too)."""
