"""Build a portal (every page as served bytes) plus the truth a perfect crawl should yield.

A `Portal` is mutable on purpose: tests add, edit or remove articles between crawl runs
and the running server picks up the new pages at once (see `PortalServer`).
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from demo.corpus import load_corpus
from demo.model import SUBHEADING_PREFIX, Article, ArticleTruth, PortalTruth
from demo.pages import PAGER_WORDS, longest, render_pages
from demo.templates import Listing, Site, Template, get_template

Page = tuple[bytes, str]
"""(body bytes, Content-Type header value)."""

_HREF = re.compile(r"""(?:href|src|action)=["'](https?://[^"']+)["']""")


def page_key(raw_path: str) -> str:
    """Normalized lookup key of a request path: unquoted path, sorted query."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path) or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class _State:
    pages: dict[str, Page]
    truth: PortalTruth


def select_articles(template: Template, n_articles: int, seed: int) -> list[Article]:
    """Pick `n_articles` from the corpus, spread over sections, deterministic per seed.

    zh portals always carry article 1 (the seed page's story) so the demo shows it.
    """
    corpus = load_corpus(template.language)
    rng = random.Random(seed)
    by_section = {s: [a for a in corpus if a.section == s] for s in template.sections}
    for arts in by_section.values():
        rng.shuffle(arts)
    if template.language == "zh":
        by_section["local"].sort(key=lambda a: a.id != 1)
    chosen: list[Article] = []
    while len(chosen) < min(n_articles, len(corpus)):
        for arts in by_section.values():
            if arts and len(chosen) < n_articles:
                chosen.append(arts.pop(0))
    return chosen


class Portal:
    """A generated news site: `pages` keyed by `page_key`, and its `truth`."""

    def __init__(
        self,
        template: Template,
        base_url: str,
        articles: Iterable[Article],
        seed: int = 0,
        per_page: int = 2,
        partner_links: Iterable[tuple[str, str]] = (),
        multipage: int = 0,
    ) -> None:
        self.template = template
        self.multipage = multipage
        self.base_url = base_url.rstrip("/")
        self.seed = seed
        self.per_page = per_page
        self.partner_links = list(partner_links)
        self._articles = {a.id: a for a in articles}
        self._lock = threading.Lock()
        self._state = _State({}, PortalTruth(self.base_url))
        self.rebuild()

    # -- reading -------------------------------------------------------------------------
    @property
    def pages(self) -> dict[str, Page]:
        """Current pages (a snapshot: a rebuild swaps the whole dict)."""
        return self._state.pages

    @property
    def truth(self) -> PortalTruth:
        """Current truth, consistent with `pages`."""
        return self._state.truth

    @property
    def articles(self) -> list[Article]:
        """Current articles, newest first."""
        return sorted(self._articles.values(), key=lambda a: (a.published, a.id), reverse=True)

    def lookup(self, raw_path: str) -> Page | None:
        """Page for a request path; tracking query strings fall back to the bare path."""
        pages = self._state.pages
        key = page_key(raw_path)
        return pages.get(key) or pages.get(key.split("?", 1)[0])

    def url(self, path: str) -> str:
        """Absolute URL on this portal."""
        return self.base_url + path

    def article_url(self, article_id: int) -> str:
        """Absolute URL of an article by id."""
        return self.url(self.template.article_path(self._articles[article_id]))

    @property
    def start_url(self) -> str:
        """Home page URL, what a crawl starts from."""
        return self.base_url + "/"

    # -- changing ------------------------------------------------------------------------
    def add_article(self, article: Article) -> None:
        """Publish a new article (its id must be new on this portal)."""
        if article.id in self._articles:
            raise ValueError(f"article id {article.id} already on the portal")
        self._articles[article.id] = article
        self.rebuild()

    def edit_article(self, article_id: int, **changes: Any) -> Article:
        """Change fields of an article (e.g. body, title, modified) and re-render."""
        edited = self._articles[article_id].replace(**changes)
        self._articles[article_id] = edited
        self.rebuild()
        return edited

    def remove_article(self, article_id: int) -> None:
        """Unpublish an article (its URL then answers 404)."""
        del self._articles[article_id]
        self.rebuild()

    def rebase(self, base_url: str) -> None:
        """Move the portal to another origin (absolute links and truth follow)."""
        self.base_url = base_url.rstrip("/")
        self.rebuild()

    def rebuild(self) -> None:
        """Render every page again and swap pages and truth in one step."""
        with self._lock:
            site = Site(self.template, self.base_url, self.articles, self.seed, self.partner_links)
            self._state = _render(site, self.per_page, self.multipage)


def _chunks(items: list[Article], size: int) -> list[tuple[Article, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)] or [()]


def _paged(
    kind: str, key: str, heading: str, items: list[Article], size: int, path_of: Any
) -> list[Listing]:
    chunks = _chunks(items, size)
    paths = tuple(path_of(n) for n in range(1, len(chunks) + 1))
    return [
        Listing(kind, key, heading, paths[i], chunk, i + 1, len(chunks), paths)
        for i, chunk in enumerate(chunks)
    ]


def listings(site: Site, per_page: int) -> list[Listing]:
    """Every listing page of a site: latest, sections (paginated), tags, authors."""
    t = site.template
    arts = site.articles
    out = _paged("latest", "", "", arts, per_page * 3, t.latest_path)
    for s in site.sections():
        items = [a for a in arts if a.section == s]
        out += _paged(
            "section", s, t.sections[s], items, per_page, lambda n, s=s: t.section_path(s, n)
        )
    tags = dict.fromkeys(tag for a in arts for tag in a.tags)
    for tag in tags:
        items = [a for a in arts if tag in a.tags]
        out.append(Listing("tag", tag, tag, t.tag_path(tag), tuple(items)))
    authors = dict.fromkeys(name for a in arts for name in a.authors)
    for name in authors:
        items = [a for a in arts if name in a.authors]
        out.append(Listing("author", name, name, t.author_path(name), tuple(items)))
    return out


def _article_truth(site: Site, art: Article) -> ArticleTruth:
    t = site.template
    image = site.url(art.image.path) if art.image else None
    return ArticleTruth(
        url=site.url(t.article_path(art)),
        title=art.title,
        authors=art.authors,
        published=t.published_iso(art.published),
        modified=t.published_iso(art.modified) if art.modified else None,
        section=t.sections[art.section],
        tags=art.tags,
        language=t.language,
        site_name=t.site_name,
        paragraphs=t.truth_paragraphs(art),
        image=image,
        chrome=tuple(dict.fromkeys(t.article_chrome(site, art))),
        images=t.truth_images(site, art),
        subheadings=tuple(
            line.removeprefix(SUBHEADING_PREFIX)
            for line in art.body
            if line.startswith(SUBHEADING_PREFIX)
        ),
    )


def _render(site: Site, per_page: int, multipage: int = 0) -> _State:
    t = site.template
    html: dict[str, str] = {"/": t.render_home(site)}
    truth = PortalTruth(site.base_url, listings=[site.url("/")])
    for art in site.articles:
        path = t.article_path(art)
        html[path] = t.render_article(site, art)
        truth.articles[site.url(path)] = _article_truth(site, art)
    if multipage > 1:
        _split_longest(site, multipage, html, truth)
    for listing in listings(site, per_page):
        html[listing.path] = t.render_listing(site, listing)
        truth.listings.append(site.url(listing.path))
    for path, (page, kind) in t.extra_pages(site).items():
        html[path] = page
        {"listing": truth.listings, "other": truth.other_pages, "disallowed": truth.disallowed}[
            kind
        ].append(site.url(path))
    pages: dict[str, Page] = {page_key(p): (t.encode(h), t.content_type) for p, h in html.items()}
    pages["/robots.txt"] = (t.robots_txt(site).encode("ascii"), "text/plain")
    for path, (body, ctype) in t.media(site).items():
        pages[page_key(path)] = (body, ctype)
        truth.media.append(site.url(path))
    truth.external_links = _outside_links(site, html.values())
    return _State(pages, truth)


def _split_longest(site: Site, pages: int, html: dict[str, str], truth: PortalTruth) -> None:
    """Serve the portal's longest article over ``pages`` pages (demo.pages)."""
    t = site.template
    art = longest(site.articles, 2 * pages)
    if art is None:
        return
    rendered = render_pages(t, site, art, pages)
    html.update(rendered)
    url = site.url(t.article_path(art))
    later = [site.url(path) for path in list(rendered)[1:]]
    truth.other_pages.extend(later)
    truth.article_pages[url] = later
    words = PAGER_WORDS["zh" if t.language == "zh" else "en"]
    article = truth.articles[url]
    truth.articles[url] = dataclasses.replace(article, chrome=(*article.chrome, *words))


def _outside_links(site: Site, pages: Iterable[str]) -> list[str]:
    own = urlsplit(site.base_url).netloc
    found = {u for page in pages for u in _HREF.findall(page) if urlsplit(u).netloc != own}
    return sorted(found)


def build_portal(
    template_name: str,
    base_url: str,
    articles: list[Article] | None = None,
    n_articles: int = 12,
    seed: int = 0,
    *,
    per_page: int = 2,
    partner_links: Iterable[tuple[str, str]] = (),
    multipage: int = 0,
) -> Portal:
    """Render a portal of `template_name` served at `base_url`.

    `articles` defaults to `n_articles` corpus stories of the template's language chosen
    by `seed`. `per_page` is small so that a dozen articles still paginate sections.
    `partner_links` adds (label, absolute URL) outside links to every page's footer; tests
    point them at a decoy server to prove the crawl never leaves its hosts. ``multipage=N``
    serves the portal's longest article over N pages (demo.pages).
    """
    template = get_template(template_name)
    chosen = articles if articles is not None else select_articles(template, n_articles, seed)
    return Portal(template, base_url, chosen, seed, per_page, partner_links, multipage)
