"""robots.txt fails closed on every failure and is fetched once per site per run (issue 19,
defects 4 and 9).

Real servers on 127.0.0.1, one per site, each with a robots.txt that answers differently: a
redirect to a host the user did not name (a CDN), 503, a reset connection, 404 (no rules:
allow all) and a plain file that lists a sitemap. Only the 404 and the plain site are crawled;
every refusal is a warning and a count per site; no site's robots.txt is asked for twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile_crawl import CrawlResult, run_crawl
from tests.hostile_pages import article_html, listing_html
from tests.hostile_server import Handler, ScriptedServer


def send(body: str, status: int = 200, ctype: str = "text/html; charset=utf-8"):  # noqa: ANN201
    return lambda h: h.send_body(body.encode(), status, ctype)


def redirect(to: str):  # noqa: ANN201
    return lambda h: h.send_body(b"", 302, "text/html", {"Location": to})


def reset(h: Handler) -> None:
    h.reset()


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/sitemap-article</loc><lastmod>2024-05-02</lastmod></url></urlset>"""


class Sites:
    """One server per robots.txt behaviour, plus the CDN host nobody named."""

    def __init__(self) -> None:
        self.cdn = ScriptedServer("127.0.0.1")
        self.cdn.routes["/robots.txt"] = send("User-agent: *\nAllow: /\n", ctype="text/plain")
        self.servers = {name: ScriptedServer("127.0.0.1") for name in self.NAMES}
        robots = {
            "cdn": redirect(f"{self.cdn.base}/robots.txt"),
            "5xx": send("down", 503, "text/plain"),
            "reset": reset,
            "4xx": send("gone", 404, "text/plain"),
            "plain": send(
                "User-agent: *\nDisallow: /private\n"
                f"Sitemap: {self.servers['plain'].base}/sitemap.xml\n",
                ctype="text/plain",
            ),
        }
        for name, server in self.servers.items():
            server.routes["/robots.txt"] = robots[name]
            server.routes["/"] = send(listing_html(["/article", "/private"]))
            server.routes["/article"] = send(article_html(f"The {name} site reports on the port"))
            server.routes["/private"] = send(article_html(f"The {name} site private page"))
        plain = self.servers["plain"]
        plain.routes["/sitemap.xml"] = send(SITEMAP.format(base=plain.base), ctype="text/xml")
        plain.routes["/sitemap-article"] = send(article_html("The plain site sitemap story"))

    NAMES = ("cdn", "5xx", "reset", "4xx", "plain")

    def close(self) -> None:
        for server in (self.cdn, *self.servers.values()):
            server.close()


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    made = Sites()
    yield made
    made.close()


@pytest.fixture(scope="module")
def crawl(sites: Sites, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    tmp: Path = tmp_path_factory.mktemp("robots")
    bases = [f"{s.base}/" for s in sites.servers.values()]
    return run_crawl(tmp, bases, {"RETRY_TIMES": "0"}, timeout=120)


def test_a_robots_txt_redirected_to_an_unnamed_host_disallows_the_site(
    sites: Sites, crawl: CrawlResult
) -> None:
    server = sites.servers["cdn"]
    assert sites.cdn.count("/robots.txt") == 0  # the policy refused the hop
    assert server.count("/") == 0
    assert server.count("/article") == 0
    assert crawl.stats["robotstxt/disallow_all/refused_redirect"] == 1
    assert "robots.txt redirected off the site" in crawl.log
    assert "WARNING" in next(
        line for line in crawl.log.splitlines() if "robots.txt redirected off the site" in line
    )


def test_5xx_and_a_reset_disallow_the_site(sites: Sites, crawl: CrawlResult) -> None:
    for name in ("5xx", "reset"):
        assert sites.servers[name].count("/article") == 0, name
        assert sites.servers[name].count("/") == 0, name
    assert crawl.stats["robotstxt/disallow_all/5xx"] == 1
    assert crawl.stats["robotstxt/disallow_all/error"] == 1


def test_each_refused_site_is_counted_by_name(sites: Sites, crawl: CrawlResult) -> None:
    counted = {
        key.rsplit("/", 1)[1]
        for key in crawl.stats
        if key.startswith("robotstxt/disallow_all/site/")
    }
    refused = {sites.servers[n].base.removeprefix("http://") for n in ("cdn", "5xx", "reset")}
    assert counted == refused


def test_4xx_allows_and_rules_apply(sites: Sites, crawl: CrawlResult) -> None:
    assert sites.servers["4xx"].count("/article") == 1
    assert sites.servers["4xx"].count("/private") == 1
    assert sites.servers["plain"].count("/article") == 1
    assert sites.servers["plain"].count("/private") == 0
    urls = {item["url"] for item in crawl.items}
    assert f"{sites.servers['plain'].base}/sitemap-article" in urls


def test_robots_txt_is_fetched_once_per_site(sites: Sites, crawl: CrawlResult) -> None:
    for name, server in sites.servers.items():
        assert server.count("/robots.txt") == 1, name
    # The sitemap the plain site's robots.txt lists was still read from that one fetch.
    assert sites.servers["plain"].count("/sitemap.xml") == 1
