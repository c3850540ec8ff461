"""A small news portal on 127.0.0.x that changes between runs, for the scheduled-run tests.

Articles are reachable by listing pages, an RSS feed, an Atom feed, a sitemap index (with a
gzipped child) and a Google News sitemap; each ``Story`` says which of these list it. The
server logs every request and answers conditional GETs (ETag / Last-Modified) with 304.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = [
    "council",
    "harbour",
    "budget",
    "river",
    "school",
    "bridge",
    "energy",
    "railway",
    "market",
    "festival",
    "museum",
    "hospital",
    "farmers",
    "election",
    "court",
    "library",
    "storm",
    "weather",
    "police",
    "airport",
    "tunnel",
    "housing",
    "water",
    "coast",
    "mayor",
    "teachers",
    "workers",
    "company",
    "factory",
    "minister",
    "report",
    "inquiry",
    "village",
    "research",
    "students",
    "forest",
    "wildlife",
    "transport",
    "ferry",
    "union",
    "prices",
    "tourism",
    "fishing",
    "orchestra",
    "stadium",
    "league",
    "season",
    "heritage",
    "archive",
    "planning",
    "district",
    "residents",
    "volunteers",
    "charity",
    "donation",
    "shipping",
    "cargo",
    "engineers",
    "solar",
    "turbine",
    "grid",
    "battery",
]
VERBS = [
    "approved",
    "rejected",
    "announced",
    "delayed",
    "reviewed",
    "expanded",
    "reduced",
    "opened",
    "closed",
    "funded",
    "criticised",
    "welcomed",
    "investigated",
    "proposed",
    "completed",
    "postponed",
    "restored",
    "measured",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 9))]
    words.insert(rng.randint(1, 3), rng.choice(VERBS))
    return "The " + " ".join(words) + "."


def paragraphs(seed: str, count: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(sentence(rng) for _ in range(5)) for _ in range(count)]


@dataclass
class Story:
    """One article of the portal and where it is listed."""

    id: int
    title: str
    body: list[str]
    modified: datetime
    in_listing: bool = True
    in_feed: bool = False
    in_atom: bool = False
    in_sitemap: bool = False  # the gzipped child of the sitemap index
    in_news_sitemap: bool = False
    extra_links: list[str] = field(default_factory=list)  # other URLs linking to it

    @property
    def path(self) -> str:
        return f"/news/2024/05/{self.id}.html"


PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {portal}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-02T08:00:00+00:00">
{feeds}</head><body>
<nav><a href="/">Home</a> <a href="/list/1.html">Latest</a></nav>
<main><article><h1>{title}</h1><p class="byline">By Jane Reporter, 2 May 2024</p>
{body}</article></main>
<footer><p>Copyright {portal}. All rights reserved.</p></footer></body></html>"""

LISTING = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{portal}</title>
<meta property="og:type" content="website">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
</head><body><nav><a href="/">Home</a></nav><h1>{portal} latest</h1><ul>
{links}</ul>{more}<footer><p>Copyright {portal}.</p></footer></body></html>"""


class Portal:
    """The portal's content (mutable between runs) and its rendering."""

    def __init__(self, name: str, page_size: int = 50) -> None:
        self.name = name
        self.page_size = page_size
        self.stories: dict[int, Story] = {}
        self.lock = threading.Lock()

    @staticmethod
    def story_path(ident: int) -> str:
        """The path of story ``ident`` (``Story.path``), before the story exists."""
        return f"/news/2024/05/{ident}.html"

    def add(self, story: Story) -> Story:
        with self.lock:
            self.stories[story.id] = story
        return story

    def add_plain(self, ident: int, when: datetime, **where: bool) -> Story:
        title = f"{self.name} story {ident}: " + " ".join(
            paragraphs(f"t{ident}", 1)[0].split()[1:6]
        )
        return self.add(Story(ident, title, paragraphs(f"{self.name}-{ident}"), when, **where))

    def edit(self, ident: int, when: datetime) -> None:
        with self.lock:
            story = self.stories[ident]
            story.body = [*story.body[:-1], "Update: " + paragraphs(f"edit{ident}{when}", 1)[0]]
            story.modified = when

    # --- rendering ---------------------------------------------------------------------
    def article_html(self, story: Story) -> str:
        body = "\n".join(f"<p>{escape(p)}</p>" for p in story.body)
        return PAGE.format(title=escape(story.title), portal=self.name, body=body, feeds="")

    def listing_html(self, page: int) -> str:
        listed = sorted((s for s in self.stories.values() if s.in_listing), key=lambda s: -s.id)
        chunk = listed[(page - 1) * self.page_size : page * self.page_size]
        links = "\n".join(
            f'<li><a href="{url}">{escape(s.title)}</a></li>'
            for s in chunk
            for url in (s.path, *s.extra_links)
        )
        more = (
            f'<p><a href="/list/{page + 1}.html">More</a></p>'
            if len(listed) > page * self.page_size
            else ""
        )
        return LISTING.format(portal=self.name, links=links, more=more)

    def rss(self, base: str) -> str:
        items = "".join(
            f"<item><title>{escape(s.title)}</title><link>{base}{s.path}</link>"
            f"<pubDate>{format_datetime(s.modified)}</pubDate></item>"
            for s in self.stories.values()
            if s.in_feed
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{self.name}</title><link>{base}/</link>{items}</channel></rss>"
        )

    def atom(self, base: str) -> str:
        entries = "".join(
            f"<entry><title>{escape(s.title)}</title><link href='{base}{s.path}'/>"
            f"<updated>{s.modified.isoformat()}</updated><id>{s.id}</id></entry>"
            for s in self.stories.values()
            if s.in_atom
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{self.name}</title>{entries}</feed>"
        )

    def sitemap(self, base: str) -> bytes:
        urls = "".join(
            f"<url><loc>{base}{s.path}</loc><lastmod>{s.modified.isoformat()}</lastmod></url>"
            for s in self.stories.values()
            if s.in_sitemap
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        return gzip.compress(xml.encode())

    def news_sitemap(self, base: str) -> str:
        urls = "".join(
            f"<url><loc>{base}{s.path}</loc><news:news><news:publication>"
            f"<news:name>{self.name}</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{s.modified.isoformat()}"
            f"</news:publication_date><news:title>{escape(s.title)}</news:title>"
            "</news:news></url>"
            for s in self.stories.values()
            if s.in_news_sitemap
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{urls}</urlset>"
        )

    def sitemap_index(self, base: str) -> str:
        now = datetime.now(UTC).isoformat()
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sitemaps/articles.xml.gz</loc><lastmod>{now}</lastmod></sitemap>"
            f"<sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>{now}</lastmod></sitemap>"
            "</sitemapindex>"
        )

    def resolve(self, path: str, base: str) -> tuple[int, str, bytes, Story | None]:
        """(status, content type, body, story) for a request path (query ignored)."""
        path = path.split("?", 1)[0]
        if path.startswith("/m/"):
            path = path[2:]
        html = "text/html; charset=utf-8"
        with self.lock:
            if path in ("/", "/index.html"):
                return 200, html, self.listing_html(1).encode(), None
            if path.startswith("/list/") and path.endswith(".html"):
                page = int(path.removeprefix("/list/").removesuffix(".html") or 1)
                return 200, html, self.listing_html(page).encode(), None
            if path == "/robots.txt":
                return (
                    200,
                    "text/plain",
                    f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap_index.xml\n".encode(),
                    None,
                )
            if path == "/sitemap_index.xml":
                return 200, "application/xml", self.sitemap_index(base).encode(), None
            if path == "/sitemaps/articles.xml.gz":
                return 200, "application/gzip", self.sitemap(base), None
            if path == "/sitemaps/news.xml":
                return 200, "application/xml", self.news_sitemap(base).encode(), None
            if path == "/feed.xml":
                return 200, "application/rss+xml", self.rss(base).encode(), None
            if path == "/atom.xml":
                return 200, "application/atom+xml", self.atom(base).encode(), None
            for story in self.stories.values():
                if story.path == path:
                    return 200, html, self.article_html(story).encode(), story
        return 404, "text/plain", b"not found", None


# Longest wait of a held request: a test that relies on the order asserts none timed out.
# Not a figure measured: a guard against a crawler that never sends the release request, far
# beyond what a loaded machine needs (a crawl using holds sets its DOWNLOAD_TIMEOUT above it).
HOLD_SECONDS = 120


class ChangingPortal(Portal):
    """The portal, whose article template can lose its byline (a template change that the
    breakage alarms must notice)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.byline = True

    def article_html(self, story: Story) -> str:
        html = super().article_html(story)
        if not self.byline:
            html = html.replace('<p class="byline">By Jane Reporter, 2 May 2024</p>', "")
        return html


class PortalServer:
    """Serves one Portal on ``host``:random port in a thread; ``log`` lists request paths."""

    def __init__(self, portal: Portal, host: str = "127.0.0.1") -> None:
        self.portal = portal
        self.log: list[tuple[str, dict[str, str], int]] = []
        # A test clears ``release`` to hold every answer until it sets it again; ``arrived``
        # is set by the first request.
        self.release = threading.Event()
        self.release.set()
        self.arrived = threading.Event()
        # Forced arrival order: a request for a held path waits until a request for a path
        # starting with its release prefix has arrived (see ``hold``).
        self.holds: dict[str, tuple[str, threading.Event]] = {}
        self.hold_timeouts: list[str] = []
        self.arrivals: list[str] = []  # request paths in the order they came in
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.arrived.set()
                server.release.wait(300)
                server.arrivals.append(self.path)
                server._release(self.path)
                server._wait(self.path)
                status, ctype, body, story = portal.resolve(self.path, server.base)
                headers = {}
                if story is not None:
                    headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    headers["Last-Modified"] = format_datetime(story.modified, usegmt=True)
                    if self.headers.get("If-None-Match") == headers["ETag"]:
                        status, body = 304, b""
                server.log.append((self.path, dict(self.headers.items()), status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def hold(self, path: str, until: str) -> None:
        """Answer ``path`` only once a request for a path starting with ``until`` came in:
        the crawler then reads one document before another, whatever the network does."""
        self.holds[path] = (until, threading.Event())

    def _release(self, path: str) -> None:
        for until, event in self.holds.values():
            if path.startswith(until):
                event.set()

    def _wait(self, path: str) -> None:
        held = self.holds.get(path.split("?", 1)[0])
        if held is not None and not held[1].wait(HOLD_SECONDS):
            self.hold_timeouts.append(path)

    def __enter__(self) -> PortalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def article_requests(self) -> list[str]:
        return [path for path, _, _ in self.log if path.startswith(("/news/", "/m/news/"))]
