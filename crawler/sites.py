"""Sites: what the user named, the only hosts the crawl may request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from reader.siterules import SiteRules

_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$",
    re.I,
)


class InvalidURL(ValueError):
    """A start URL that is not an absolute http(s) URL with a valid host."""


# Scheme-and-host prefixes whose on-origin decision a Site remembers (cleared when full).
ORIGIN_CACHE_SIZE = 4096


def _scheme_and_host(url: str) -> str:
    """``scheme://netloc`` of a URL: the part the origin depends on (the URL when it has none)."""
    start = url.find("://")
    if start < 0:
        return url
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start + 3)
        if 0 <= found < end:
            end = found
    return url[:end]


def origin_of(url: str) -> str:
    """scheme-less origin "host[:port]" of a URL, the unit the crawl keeps apart."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host if port in (None, default) else f"{host}:{port}"


def checked_url(url: str) -> str:
    """The URL, stripped, if it is absolute http(s) with a valid host; else InvalidURL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(f"not an http(s) URL: {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"bad port in URL: {url!r}") from exc
    host = parts.hostname or ""
    if not host or not (_HOST.match(host) or _is_ip(host)):
        raise InvalidURL(f"bad host in URL: {url!r}")
    del port
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@dataclass
class Site:
    """One portal of a run: where to start and how much of it to take."""

    name: str
    start_urls: list[str]
    max_pages: int
    origins: set[str] = field(default_factory=set)
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    allow: list[re.Pattern[str]] = field(default_factory=list)
    deny: list[re.Pattern[str]] = field(default_factory=list)
    language: str | None = None
    timezone: str | None = None
    prune_xpaths: list[str] = field(default_factory=list)
    rules: SiteRules | None = None  # extraction rules from the sites file
    archive: bool = False  # keep the site's fetched pages in WARC files (crawler.archive)
    _origin_cache: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.origins:
            self.origins = {origin_of(u) for u in self.start_urls + self.feeds + self.sitemaps}

    def owns(self, url: str) -> bool:
        """True when ``url`` is on one of this site's hosts and passes its URL patterns."""
        if not self.on_origin(url):
            return False
        if self.deny and any(p.search(url) for p in self.deny):
            return False
        return not self.allow or any(p.search(url) for p in self.allow)

    def url_prefixes(self) -> tuple[str, ...]:
        """``scheme://host[:port]/`` prefixes of the site's URLs, for a test in C
        (``str.startswith``) before anything parses a link."""
        found = []
        for origin in sorted(self.origins):
            host, _, port = origin.partition(":")
            for scheme, default in (("http", "80"), ("https", "443")):
                found.append(f"{scheme}://{origin}/")
                if not port:
                    found.append(f"{scheme}://{host}:{default}/")
        return tuple(found)

    def on_origin(self, url: str) -> bool:
        """``url`` is http(s) on one of the site's hosts; decided once per scheme and host,
        since the spider asks for every link of every page."""
        key = _scheme_and_host(url)
        known = self._origin_cache.get(key)
        if known is None:
            try:
                known = urlsplit(url).scheme in ("http", "https") and origin_of(url) in self.origins
            except ValueError:  # "http://[x]/", a bad port: on no site's hosts
                known = False
            if len(self._origin_cache) >= ORIGIN_CACHE_SIZE:
                self._origin_cache.clear()
            self._origin_cache[key] = known
        return known

    def hints(self) -> dict[str, object]:
        """What the pipelines may use when reading this site's pages."""
        return {
            "language": self.language,
            "timezone": self.timezone,
            "prune_xpaths": list(self.prune_xpaths),
            "rules": self.rules,
            "url_prefixes": list(self.url_prefixes()),
        }


def sites_from_start_urls(urls: list[str], max_pages: int) -> list[Site]:
    """One site per origin among the start URLs."""
    by_origin: dict[str, Site] = {}
    for url in urls:
        origin = origin_of(url)
        if origin in by_origin:
            by_origin[origin].start_urls.append(url)
        else:
            by_origin[origin] = Site(name=origin, start_urls=[url], max_pages=max_pages)
    return list(by_origin.values())
