"""Serve generated portals on loopback and crawl them, or read their pages directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demo.server import PortalServer
from reader import read_page
from tests.crawl_harness import CrawlResult, run_crawl
from tests.portalgen.check import Item
from tests.portalgen.portal import GeneratedPortal, generate

SITES = 6
ARTICLES_PER_SITE = 6


@dataclass
class GeneratedCrawl:
    portals: list[GeneratedPortal]
    items: list[Item]
    result: CrawlResult | None = None
    rejects: list[dict[str, Any]] = field(default_factory=list)


def crawl(
    seed: int,
    sites: int = SITES,
    per_site: int = ARTICLES_PER_SITE,
    workdir: Path | None = None,
    timeout: float = 120,
) -> GeneratedCrawl:
    """A real `scrapy crawl news` of the seed's portals, each on its own loopback host."""
    with PortalServer() as server:
        bases = [server.bind() for _ in range(sites)]
        portals = generate(seed, bases, per_site)
        for portal in portals:
            server.mount(portal)  # type: ignore[arg-type]  # any base_url + lookup serves
        result = run_crawl([p.start_url for p in portals], workdir=workdir, timeout=timeout)
    return GeneratedCrawl(portals, result.items, result, result.rejects)


def read(seed: int, sites: int = SITES, per_site: int = ARTICLES_PER_SITE) -> GeneratedCrawl:
    """Each article page read by read_page alone (no crawl, no site-template learning): fast,
    for sweeping many seeds."""
    bases = [f"http://127.0.0.{i + 1}:8000" for i in range(sites)]
    portals = generate(seed, bases, per_site)
    items = []
    for portal in portals:
        for case in portal.articles:
            body, _ = portal.lookup(case.url.removeprefix(portal.base_url)) or (b"", "")
            reading = read_page(body.decode("utf-8"), case.url)
            if reading.kind == "article":
                items.append(dict(reading.fields, url=case.url))
    return GeneratedCrawl(portals, items)
