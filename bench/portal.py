"""A local news portal built from the benchmark pages, rendered on request.

Each article reuses one of the real pages in ``../shared/benchmarks`` (50-300 KB) and is
made unique so that deduplication keeps it: its own title, canonical URL, a unique
sentence opening a paragraph of its body and a closing paragraph, and (after the first copy)
the letters of its text permuted (see ``_vary``). The portal's links are added: listing
pages link to articles and to the next listing page, every article links to related
articles. A ``<base href>`` pointing at the page's original (outside) site makes the page's
own relative links resolve off the portal, so the crawl never follows them (and never
requests them: they are off-site).
"""

from __future__ import annotations

import functools
import html
import json
import random
import re
import string
from dataclasses import dataclass
from pathlib import Path

MIN_BYTES = 50_000
MAX_BYTES = 300_000
ARTICLES_PER_LISTING = 20
RELATED_PER_ARTICLE = 6
SECTIONS = ("world", "politics", "business", "science", "culture", "sport")
_WORDS = [
    "council",
    "budget",
    "river",
    "harbour",
    "minister",
    "winter",
    "trial",
    "vote",
    "market",
    "school",
    "bridge",
    "museum",
    "festival",
    "election",
    "court",
    "report",
    "hospital",
    "station",
    "forest",
    "energy",
    "summit",
    "league",
    "museum",
    "airport",
    "village",
    "coast",
    "strike",
    "study",
    "policy",
    "agency",
    "inquiry",
    "season",
    "record",
]

# Copy v > 0 of a reused page has the letters of its text nodes permuted and its CJK characters
# shifted, both by a permutation drawn for v: the markup (what extraction works on) is the same,
# while nearly every 3-token shingle differs, so near-duplicate detection keeps every copy.
_MARKUP = re.compile(
    r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)|([^<]+)", re.S | re.I
)
_ENTITY = re.compile(r"(&#?\w+;)")
_CJK_FIRST, _CJK_COUNT = 0x4E00, 0x9FA5 - 0x4E00 + 1
_BASE = re.compile(rb"<base\b[^>]*>", re.I)
_REFRESH = re.compile(rb"<meta[^>]+http-equiv=[\"']?refresh[^>]*>", re.I)
_CANONICAL = re.compile(rb"<link[^>]+rel=[\"']?canonical[^>]*>", re.I)
_OG_URL = re.compile(rb"<meta[^>]+property=[\"']og:url[^>]*>", re.I)
_HEAD = re.compile(rb"<head\b[^>]*>", re.I)
_TITLE = re.compile(rb"(<title\b[^>]*>)(.*?)(</title>)", re.I | re.S)
_LONG_P = re.compile(rb"<p\b[^>]*>([^<]{200,})", re.I)
_BODY_END = re.compile(rb"</body>", re.I)


@dataclass
class SourcePage:
    """A benchmark page cut into byte segments around the places that vary per article."""

    segments: list[bytes]  # head, title, up to a body line, to </body>, rest
    title: str

    @classmethod
    def from_html(cls, raw: bytes, origin: str, truth_body: str = "") -> SourcePage | None:
        raw = _REFRESH.sub(b"", _BASE.sub(b"", raw))
        raw = _OG_URL.sub(b"", _CANONICAL.sub(b"", raw))
        head = _HEAD.search(raw)
        title = _TITLE.search(raw)
        at = _body_text_at(raw, truth_body)
        body_end = _BODY_END.search(raw)
        if not (head and title and at and body_end) or not head.end() <= title.start():
            return None
        if not title.end() <= at <= body_end.start():
            return None
        base = f'<base href="{html.escape(origin)}">'.encode()
        return cls(
            segments=[
                raw[: head.end()] + base,
                raw[head.end() : title.start()] + title.group(1),
                title.group(3) + raw[title.end() : at],
                raw[at : body_end.start()],
                raw[body_end.start() :],
            ],
            title=" ".join(title.group(2).decode("utf-8", "replace").split())[:90] or "News",
        )


def _body_text_at(raw: bytes, truth_body: str) -> int | None:
    """Where a line of the article's body (per the benchmark's ground truth) starts in the
    page's text, outside tags and scripts: the unique sentence goes there, where every
    extractor keeps it. Else the start of the longest plain paragraph's text."""
    body_start = raw.lower().find(b"<body")
    for line in truth_body.split("\n"):
        line = line.strip()
        if len(line) < 40:
            continue
        at = raw.find(line[:40].encode("utf-8"), max(body_start, 0))
        if at > 0 and raw.rfind(b"<", 0, at) < raw.rfind(b">", 0, at) and not _in_script(raw, at):
            return at
    paragraphs = list(_LONG_P.finditer(raw))
    longest = max(paragraphs, key=lambda m: len(m.group(1)), default=None)
    return longest.start(1) if longest else None


def _in_script(raw: bytes, at: int) -> bool:
    lower = raw[:at].lower()
    return lower.rfind(b"<script") > lower.rfind(b"</script")


def load_sources(benchmarks: Path) -> list[SourcePage]:
    """The benchmark pages of a realistic size, each with the URL it came from."""
    sources = []
    for truth in sorted(benchmarks.glob("*/truth.jsonl")):
        for n, line in enumerate(truth.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            path = truth.parent / "pages" / f"{record['id']}.html"
            if not path.exists() or not MIN_BYTES <= path.stat().st_size <= MAX_BYTES:
                continue
            origin = record.get("url") or f"https://source-{n}.invalid/"
            page = SourcePage.from_html(path.read_bytes(), origin, record.get("body") or "")
            if page is not None:
                sources.append(page)
    if not sources:
        raise SystemExit(f"no benchmark pages of {MIN_BYTES}-{MAX_BYTES} bytes in {benchmarks}")
    return sources


class Portal:
    """``articles`` article pages and their listings under ``base_url``, rendered on demand."""

    def __init__(self, sources: list[SourcePage], articles: int, base_url: str) -> None:
        self.sources = sources
        self.articles = articles
        self.base_url = base_url.rstrip("/")
        self.listings = -(-articles // ARTICLES_PER_LISTING)
        self._bodies: dict[int, tuple[bytes, bytes]] = {}
        self._rendered: dict[str, bytes | None] = {}

    def prepare(self) -> None:
        """Render every page now, so serving one during the crawl is a dictionary lookup:
        the server shares the crawl's cores."""
        self._rendered = {path: self._render(path) for path in self.paths()}
        self._bodies.clear()

    # --- URLs ----------------------------------------------------------------------------

    def article_path(self, n: int) -> str:
        section = SECTIONS[n % len(SECTIONS)]
        return f"/{section}/{2024 + n % 2}/{1 + n % 12:02d}/story-{n}.html"

    def listing_path(self, k: int) -> str:
        return "/" if k == 0 else f"/latest/page/{k}"

    def paths(self) -> list[str]:
        """Every page of the portal: listings first, then articles."""
        return [self.listing_path(k) for k in range(self.listings)] + [
            self.article_path(n) for n in range(self.articles)
        ]

    def render(self, path: str) -> bytes | None:
        if path in self._rendered:
            return self._rendered[path]
        return self._render(path)

    def _render(self, path: str) -> bytes | None:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n"
        if path == "/" or path.startswith("/latest/page/"):
            k = 0 if path == "/" else _int(path.rsplit("/", 1)[-1])
            return self._listing(k) if k is not None and 0 <= k < self.listings else None
        match = re.fullmatch(r"/[a-z]+/\d{4}/\d\d/story-(\d+)\.html", path)
        if (
            match
            and int(match.group(1)) < self.articles
            and path == self.article_path(int(match.group(1)))
        ):
            return self._article(int(match.group(1)))
        return None

    # --- pages ---------------------------------------------------------------------------

    def title(self, n: int) -> str:
        source = self.sources[n % len(self.sources)]
        return f"{source.title} ({_phrase(n, 3).title()}, No. {n})"

    def _article(self, n: int) -> bytes:
        source = self.sources[n % len(self.sources)]
        url = self.base_url + self.article_path(n)
        seg = source.segments
        head_and_lead, body = self._varied(n)
        canonical = f'<link rel="canonical" href="{url}">'.encode()
        unique = f"{_sentence(n, 0)} {_sentence(n, 1)} {_sentence(n, 2)} ".encode()
        closing = f"<p>{_sentence(n, 3)}</p>".encode()
        return b"".join(
            (
                seg[0],
                canonical,
                seg[1],
                html.escape(self.title(n)).encode(),
                head_and_lead,
                unique,
                body,
                closing,
                self._related(n),
                seg[4],
            )
        )

    def _varied(self, n: int) -> tuple[bytes, bytes]:
        """Article ``n``'s copy of its source's text: from the title to the unique sentence,
        and from there to ``</body>``."""
        if n not in self._bodies:
            seg, copy = self.sources[n % len(self.sources)].segments, n // len(self.sources)
            self._bodies[n] = (_vary(seg[2], copy), _vary(seg[3], copy))
        return self._bodies[n]

    def _related(self, n: int) -> bytes:
        rng = random.Random(n)
        picks = {(n + 1) % self.articles, (n + 7) % self.articles}
        while len(picks) < min(RELATED_PER_ARTICLE, self.articles - 1):
            picks.add(rng.randrange(self.articles))
        picks.discard(n)
        items = "".join(
            f'<li><a href="{self.base_url}{self.article_path(m)}">{html.escape(self.title(m))}</a></li>'
            for m in sorted(picks)
        )
        return f'<aside class="related"><h3>Related stories</h3><ul>{items}</ul></aside>'.encode()

    def _listing(self, k: int) -> bytes:
        first = k * ARTICLES_PER_LISTING
        teasers = "".join(
            f'<article class="teaser"><h2><a href="{self.base_url}{self.article_path(n)}">'
            f"{html.escape(self.title(n))}</a></h2><p>{_sentence(n, 0)}</p></article>"
            for n in range(first, min(first + ARTICLES_PER_LISTING, self.articles))
        )
        pages = "".join(
            f'<a href="{self.base_url}{self.listing_path(j)}">{j + 1}</a> '
            for j in range(max(0, k - 2), min(self.listings, k + 3))
        )
        nav = "".join(f'<a href="{self.base_url}/">{s.title()}</a> ' for s in SECTIONS)
        return (
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>Latest news, page {k + 1} - Bench Portal</title></head><body>"
            f"<header><nav>{nav}</nav></header><main><h1>Latest news</h1>{teasers}"
            f'<nav class="pagination">{pages}</nav></main>'
            "<footer>Bench Portal, a local test site</footer></body></html>"
        ).encode()


def _vary(body: bytes, copy: int) -> bytes:
    """Copy ``copy`` of a page's body (copy 0 is the page as it was)."""
    if copy == 0:
        return body
    table = _copy_table(copy)
    out = []
    for match in _MARKUP.finditer(body.decode("utf-8", "surrogateescape")):
        if match.group(1):
            out.append(match.group(1))
            continue
        parts = _ENTITY.split(match.group(2))
        out.append("".join(p if i % 2 else p.translate(table) for i, p in enumerate(parts)))
    return "".join(out).encode("utf-8", "surrogateescape")


@functools.lru_cache(maxsize=8)
def _copy_table(copy: int) -> dict[int, int]:
    rng = random.Random(copy)
    letters = list(string.ascii_lowercase)
    rng.shuffle(letters)
    table = {ord(a): ord(b) for a, b in zip(string.ascii_lowercase, letters, strict=True)}
    table.update(
        {
            ord(a.upper()): ord(b.upper())
            for a, b in zip(string.ascii_lowercase, letters, strict=True)
        }
    )
    shift = rng.randrange(1, _CJK_COUNT)
    table.update({_CJK_FIRST + k: _CJK_FIRST + (k + shift) % _CJK_COUNT for k in range(_CJK_COUNT)})
    return table


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _phrase(n: int, words: int, salt: int = 0) -> str:
    rng = random.Random(n * 7919 + salt)
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _sentence(n: int, salt: int) -> str:
    """A sentence unique to article ``n``: its number and random words."""
    return f"In edition {n}, the {_phrase(n, 12, salt)} was reported again on day {n % 97 + salt}."
