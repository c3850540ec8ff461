"""Shared fixtures: loopback portal servers and one shared crawl of two portals.

The backbone crawl runs once per session (a dozen seconds) and every backbone test reads
its result. A decoy portal on its own host is linked from both crawled portals: any
request it receives means the crawler left the hosts it was given.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo.builder import Portal  # noqa: E402
from demo.server import PortalServer  # noqa: E402
from tests.crawl_harness import CrawlResult, run_crawl  # noqa: E402

BACKBONE_TIMEOUT = 180


@pytest.fixture
def portal_server() -> Iterator[PortalServer]:
    """A started, empty PortalServer; call `.serve(template)` to add portals."""
    with PortalServer() as server:
        yield server


@dataclass
class Backbone:
    """The session crawl: its server, the crawled portals, the decoy and the result."""

    server: PortalServer
    portals: list[Portal]
    decoy: Portal
    result: CrawlResult

    @property
    def start_urls(self) -> list[str]:
        return [p.start_url for p in self.portals]


PAIRS = (("zh_mobile", "en_modern"), ("zh_classic", "en_herald"))
"""Each backbone run crawls one zh and one en portal on two hosts; two runs cover all templates."""


@pytest.fixture(scope="session", params=PAIRS, ids="+".join)
def backbone_server(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[PortalServer, list[Portal], Portal]]:
    """zh portal on 127.0.0.1 and en portal on 127.0.0.2, both linking a decoy on 127.0.0.9."""
    zh_name, en_name = request.param
    with PortalServer() as server:
        decoy = server.serve(
            "en_modern" if en_name == "en_herald" else "en_herald", host="127.0.0.9", seed=5
        )
        partners = [
            ("Partner news", decoy.article_url(decoy.articles[0].id)),
            ("Partner home", decoy.start_url),
        ]
        zh = server.serve(zh_name, host="127.0.0.1", seed=0, partner_links=partners)
        en = server.serve(en_name, host="127.0.0.2", seed=0, partner_links=partners)
        yield server, [zh, en], decoy


@pytest.fixture(scope="session")
def backbone(backbone_server: tuple[PortalServer, list[Portal], Portal]) -> Backbone:
    """One crawl of both portals in a single run, shared by the backbone tests."""
    server, portals, decoy = backbone_server
    server.clear_log()
    result = run_crawl([p.start_url for p in portals], timeout=BACKBONE_TIMEOUT)
    return Backbone(server, portals, decoy, result)
