"""The ``news`` spider's ``-a`` arguments, checked before any request is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.discovery import parse_since
from crawler.sites import InvalidURL, Site, checked_url
from crawler.sitesfile import SitesFileError, load_sites_file

KNOWN_ARGUMENTS = {
    "start_urls": "comma-separated start URLs, one site per host",
    "max_pages": "pages per site at most (a positive integer)",
    "sites": "a sites file (TOML or YAML) listing the portals, see sites.example.toml",
    "since": "skip sitemap/feed entries older than this date (YYYY-MM-DD)",
}


class SpiderArgumentError(ValueError):
    """A bad ``-a`` argument: the run stops before any request, with this one-line message."""


@dataclass(frozen=True)
class NewsArguments:
    start_urls: tuple[str, ...]
    max_pages: int | None
    sites: tuple[Site, ...] = field(default=())
    since: datetime | None = None


def parse_arguments(args: dict[str, Any], require_start_urls: bool = True) -> NewsArguments:
    """Validate the spider arguments; raise SpiderArgumentError naming the problem.

    A worker of a distributed crawl may start without start URLs: they were seeded in Redis.
    """
    unknown = sorted(set(args) - KNOWN_ARGUMENTS.keys())
    if unknown:
        known = ", ".join(sorted(KNOWN_ARGUMENTS))
        raise SpiderArgumentError(f"unknown argument {unknown[0]!r} (known: {known})")
    sites = _sites_file(args.get("sites"))
    since = _since(args.get("since"))
    raw = args.get("start_urls")
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    urls = [u.strip() for u in (raw or "").split(",") if u.strip()]
    if not urls and not sites and require_start_urls:
        raise SpiderArgumentError("no start URL: pass -a start_urls=URL[,URL...] or -a sites=FILE")
    try:
        checked = tuple(checked_url(u) for u in urls)
    except InvalidURL as exc:
        raise SpiderArgumentError(f"malformed start URL: {exc}") from None
    return NewsArguments(checked, _positive_int(args.get("max_pages"), "max_pages"), sites, since)


def _sites_file(value: Any) -> tuple[Site, ...]:
    if value is None or value == "":
        return ()
    try:
        return tuple(load_sites_file(str(value)))
    except SitesFileError as exc:
        raise SpiderArgumentError(f"bad sites file: {exc}") from None


def _since(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_since(str(value))
    except ValueError:
        raise SpiderArgumentError(f"since must be a date like 2025-01-01, got {value!r}") from None


def _positive_int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"{name} must be a positive integer, got {value!r}") from None
    if number <= 0:
        raise SpiderArgumentError(f"{name} must be a positive integer, got {value!r}")
    return number
