"""The ``news`` spider's ``-a`` arguments, checked before any request is made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.sites import InvalidURL, checked_url

KNOWN_ARGUMENTS = {
    "start_urls": "comma-separated start URLs, one site per host",
    "max_pages": "pages per site at most (a positive integer)",
}


class SpiderArgumentError(ValueError):
    """A bad ``-a`` argument: the run stops before any request, with this one-line message."""


@dataclass(frozen=True)
class NewsArguments:
    start_urls: tuple[str, ...]
    max_pages: int | None


def parse_arguments(args: dict[str, Any], require_start_urls: bool = True) -> NewsArguments:
    """Validate the spider arguments; raise SpiderArgumentError naming the problem.

    A worker of a distributed crawl may start without start URLs: they were seeded in Redis.
    """
    unknown = sorted(set(args) - KNOWN_ARGUMENTS.keys())
    if unknown:
        known = ", ".join(sorted(KNOWN_ARGUMENTS))
        raise SpiderArgumentError(f"unknown argument {unknown[0]!r} (known: {known})")
    raw = args.get("start_urls")
    if isinstance(raw, (list, tuple)):
        raw = ",".join(raw)
    urls = [u.strip() for u in (raw or "").split(",") if u.strip()]
    if not urls and require_start_urls:
        raise SpiderArgumentError("no start URL: pass -a start_urls=URL[,URL...]")
    try:
        checked = tuple(checked_url(u) for u in urls)
    except InvalidURL as exc:
        raise SpiderArgumentError(f"malformed start URL: {exc}") from None
    return NewsArguments(checked, _positive_int(args.get("max_pages"), "max_pages"))


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
