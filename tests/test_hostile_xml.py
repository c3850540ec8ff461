"""crawler.discovery: sitemaps and feeds from the web are parsed without resolving anything.

External entities and DTDs point at a server on 127.0.0.1 that logs every request: it must
never be asked, and local files must never be read into the document.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from crawler.discovery import DiscoveryError, parse_feed, parse_sitemap
from tests.hostile_server import ScriptedServer

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://127.0.0.1/a</loc></url><url><loc>http://127.0.0.1/b</loc></url>
</urlset>"""
RSS_WITH_DOCTYPE = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "%s/rss-0.91.dtd">
<rss version="0.91"><channel><title>News</title>
<item><title>One</title><link>http://127.0.0.1/one</link></item></channel></rss>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>
<urlset><url><loc>&lol9;</loc></url></urlset>"""
XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>&xxe;</loc></url></urlset>"""
XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "%s/secret">]>
<urlset><url><loc>&xxe;</loc></url></urlset>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY %% remote SYSTEM "%s/evil.dtd"> %%remote;]>
<urlset><url><loc>x</loc></url></urlset>"""
XINCLUDE = b"""<?xml version="1.0"?>
<urlset xmlns:xi="http://www.w3.org/2001/XInclude"><url><loc>
<xi:include href="%s/secret" parse="text"/></loc></url></urlset>"""


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    route = lambda h: h.send_body(b"SECRET", ctype="text/plain")  # noqa: E731
    server = ScriptedServer(
        "127.0.0.1", routes={p: route for p in ("/secret", "/evil.dtd", "/rss-0.91.dtd")}
    )
    yield server
    server.close()


RSS_BOMB = BILLION_LAUGHS.replace(
    b"<urlset><url><loc>&lol9;</loc></url></urlset>",
    b"<rss><channel><item><link>&lol9;</link></item></channel></rss>",
)
RSS_XXE = XXE_HTTP.replace(
    b"<urlset><url><loc>&xxe;</loc></url></urlset>",
    b"<rss><channel><item><link>&xxe;</link></item></channel></rss>",
)


@pytest.mark.parametrize(
    "document",
    [BILLION_LAUGHS, XXE_FILE, XXE_HTTP, PARAMETER_ENTITY, XINCLUDE, RSS_BOMB, RSS_XXE],
    ids=[
        "billion-laughs",
        "xxe-file",
        "xxe-http",
        "parameter-entity",
        "xinclude",
        "rss-bomb",
        "rss-xxe",
    ],
)
def test_discovery_never_expands_or_fetches(server: ScriptedServer, document: bytes) -> None:
    """Sitemaps and feeds: entities are refused or left unexpanded, never fetched or read."""
    data = document % server.base.encode() if b"%s" in document else document
    for parse in (parse_sitemap, parse_feed):
        for body in (data, gzip.compress(data)):
            try:
                result = parse(body, "http://127.0.0.1/")
            except DiscoveryError:
                continue
            entries = result.entries if hasattr(result, "entries") else result
            urls = " ".join(e.url or "" for e in entries)
            assert "lollol" not in urls and "root:" not in urls and "SECRET" not in urls
    assert server.hits == []


def test_discovery_cuts_gzip_bombs() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (64 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(DiscoveryError):
        parse_sitemap(bomb, "http://127.0.0.1/")


def test_doctype_is_never_fetched_and_the_feed_still_reads(server: ScriptedServer) -> None:
    entries = parse_feed(RSS_WITH_DOCTYPE % server.base.encode(), "http://127.0.0.1/")
    assert [(e.url, e.title) for e in entries] == [("http://127.0.0.1/one", "One")]
    assert server.hits == []


def test_plain_and_gzip_sitemaps_read_alike() -> None:
    for body in (SITEMAP, gzip.compress(SITEMAP)):
        document = parse_sitemap(body, "http://127.0.0.1/")
        assert [e.url for e in document.entries] == ["http://127.0.0.1/a", "http://127.0.0.1/b"]


@pytest.mark.parametrize("data", [b"", b"\x1f\x8bnot gzip", b"%PDF-1.4"])
def test_broken_documents_are_refused_not_crashing(data: bytes) -> None:
    for parse in (parse_sitemap, parse_feed):
        with pytest.raises(DiscoveryError):
            parse(data, "http://127.0.0.1/")
