"""What every portal template provides, and the `Site` view of a portal it renders from.

A template owns markup, URL shapes, charset and chrome; the builder owns which articles
exist and how they are paginated. Keeping the two apart lets tests change a portal's
articles between runs without touching any markup code.
"""

from __future__ import annotations

import html
import random
import re
import zlib
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from demo.model import Article


def esc(text: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return html.escape(text, quote=True)


def when(art: Article) -> datetime:
    """Publication time as a naive local datetime."""
    return datetime.fromisoformat(art.published)


def body_extras(art: Article, i: int) -> list[str]:
    """HTML of the body's figures and table standing after paragraph ``i``."""
    out = []
    for fig in art.figures:
        if fig.after != i:
            continue
        if fig.form == "centred":
            out.append(
                '<p style="text-align: center"><img class="lazyload" src="/static/blank.gif" '
                f'data-src="{fig.path}" alt="" width="800" height="533">'
                f'<noscript><img src="{fig.path}" alt=""></noscript></p>'
                f'<p style="text-align: center">{esc(fig.caption)}</p>'
            )
        else:
            stem, ext = fig.path.rsplit(".", 1)
            small = f"{stem}-480.{ext}"
            out.append(
                f'<figure class="body-photo"><img src="{small}" '
                f'srcset="{small} 480w, {fig.path} 1200w" sizes="(max-width: 600px) 480px, 1200px" '
                f'alt="{esc(fig.caption[:40])}"><figcaption>{esc(fig.caption)}</figcaption></figure>'
            )
    if art.table is not None and art.table.after == i:
        head, *rows = art.table.rows
        out.append(
            '<table class="data-table"><thead><tr>'
            + "".join(f"<th>{esc(c)}</th>" for c in head)
            + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
            + "</tbody></table>"
        )
    return out


def teaser(text: str, limit: int) -> str:
    """Cut a paragraph the way teaser lists do: mid-sentence, at a fixed length."""
    return text if len(text) <= limit else text[:limit]


def slugify(text: str, max_words: int = 8) -> str:
    """Lowercase ASCII slug of an English headline (apostrophes dropped)."""
    text = re.sub(r"[’'‘]", "", text.lower())
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words[:max_words])


def stable_number(text: str, low: int, high: int) -> int:
    """Deterministic number for a name (author ids), stable across runs and processes."""
    return low + zlib.crc32(text.encode("utf-8")) % (high - low)


@dataclass(frozen=True)
class Listing:
    """One listing page: section/tag/author/latest page `page` of `total_pages`."""

    kind: str
    key: str
    heading: str
    path: str
    items: tuple[Article, ...]
    page: int = 1
    total_pages: int = 1
    page_paths: tuple[str, ...] = ()


@dataclass
class Site:
    """Read-only view of a portal that templates render from."""

    template: Template
    base_url: str
    articles: list[Article]
    """Newest first."""
    seed: int = 0
    partner_links: list[tuple[str, str]] = field(default_factory=list)
    """(label, absolute url) of outside sites linked from every page's footer."""

    def url(self, path: str) -> str:
        """Absolute URL of a path on this portal."""
        return self.base_url.rstrip("/") + path

    def href(self, art: Article) -> str:
        """Site-relative link to an article."""
        return self.template.article_path(art)

    def latest(self, count: int, exclude: Article | None = None) -> list[Article]:
        """Newest articles, optionally without the current one."""
        return [a for a in self.articles if a is not exclude][:count]

    def pick(self, art: Article, count: int, salt: str) -> list[Article]:
        """A deterministic pseudo-random choice of other articles (related, popular...)."""
        rng = random.Random(f"{self.seed}:{art.id}:{salt}")
        others = [a for a in self.articles if a.id != art.id]
        return rng.sample(others, min(count, len(others)))

    def neighbours(self, art: Article) -> tuple[Article | None, Article | None]:
        """(previous = older, next = newer) article in publication order."""
        idx = next(i for i, a in enumerate(self.articles) if a.id == art.id)
        older = self.articles[idx + 1] if idx + 1 < len(self.articles) else None
        newer = self.articles[idx - 1] if idx > 0 else None
        return older, newer

    def sections(self) -> list[str]:
        """Section slugs in the template's menu order that have at least one article."""
        present = {a.section for a in self.articles}
        return [s for s in self.template.sections if s in present]

    def rng(self, salt: str) -> random.Random:
        """Seeded random source for decorative variation (comments, view counts)."""
        return random.Random(f"{self.seed}:{salt}")


class Template(ABC):
    """A portal's look: URL shapes, markup, charset and chrome."""

    name: ClassVar[str]
    language: ClassVar[str]
    site_name: ClassVar[str]
    sections: ClassVar[dict[str, str]]
    """Section slug -> display name, in menu order."""
    encoding: ClassVar[str] = "utf-8"
    content_type: ClassVar[str] = "text/html; charset=utf-8"

    @abstractmethod
    def article_path(self, art: Article) -> str:
        """Path of an article page."""

    @abstractmethod
    def section_path(self, section: str, page: int = 1) -> str:
        """Path of a section listing page."""

    @abstractmethod
    def latest_path(self, page: int = 1) -> str:
        """Path of the all-sections "latest news" listing."""

    @abstractmethod
    def tag_path(self, tag: str) -> str:
        """Path of a tag/topic page."""

    @abstractmethod
    def author_path(self, author: str) -> str:
        """Path of an author/staff page."""

    @abstractmethod
    def render_article(self, site: Site, art: Article) -> str:
        """Full HTML of an article page."""

    @abstractmethod
    def render_listing(self, site: Site, listing: Listing) -> str:
        """Full HTML of a listing page (section, tag, author or latest)."""

    @abstractmethod
    def render_home(self, site: Site) -> str:
        """Full HTML of the home page."""

    @abstractmethod
    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        """Other same-host HTML: path -> (html, kind), kind "other" or "disallowed"."""

    @abstractmethod
    def robots_txt(self, site: Site) -> str:
        """robots.txt body; must disallow at least one linked, existing path."""

    @abstractmethod
    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        """Same-host media files: path -> (bytes, content type)."""

    @abstractmethod
    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        """Strings shown on the article page that are not part of the article text."""

    # The template shows an article's body figures and table (body_extras).
    shows_figures: ClassVar[bool] = False

    def truth_images(self, site: Site, art: Article) -> tuple[tuple[str, str], ...]:
        """(absolute src, caption) of the pictures the article page shows in its body."""
        if not self.shows_figures:
            return ()
        return tuple((site.url(f.path), f.caption) for f in art.figures)

    def truth_paragraphs(self, art: Article) -> tuple[str, ...]:
        """The article text as the page states it (a template may add e.g. a wire dateline)."""
        return art.paragraphs

    def published_iso(self, local: str) -> str:
        """How a page states a local time, as ISO (templates with an offset append it)."""
        return local

    def encode(self, page: str) -> bytes:
        """Serialize a page in the template's charset (unencodable chars as references)."""
        return page.encode(self.encoding, errors="xmlcharrefreplace")
