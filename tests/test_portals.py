"""The demo portals themselves: builder output, served bytes, request log, live changes.

Real HTTP over loopback with urllib; nothing here needs the crawler.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from w3lib.encoding import html_to_unicode

from demo.builder import build_portal
from demo.corpus import load_corpus, seed_article
from demo.model import SUBHEADING_PREFIX
from demo.runner import parse_stats
from demo.server import PortalServer
from demo.templates import TEMPLATES
from tests.golden import regenerate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_NAMES = sorted(TEMPLATES)


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, Content-Type, body) of a GET, 4xx included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


def squash(text: str) -> str:
    """Whitespace-free form for containment checks."""
    return re.sub(r"\s+", "", text)


# -- corpus -----------------------------------------------------------------------------
def test_corpus_sizes_and_shape() -> None:
    for lang, unit in (("zh", len), ("en", lambda s: len(s.split()))):
        arts = load_corpus(lang)
        assert len(arts) >= 24
        assert len({a.id for a in arts}) == len(arts)
        assert {a.section for a in arts} >= {"local", "economy", "tech", "sports", "culture"}
        assert sum(any(line.startswith(SUBHEADING_PREFIX) for line in a.body) for a in arts) >= 2
        for a in arts:
            size = sum(unit(p) for p in a.paragraphs)
            assert (400 if lang == "zh" else 300) <= size <= (1700 if lang == "zh" else 900), a.id


def test_seed_story_matches_seed_text() -> None:
    art = seed_article()
    assert art.title == "平安警色丨苏州吴江公安:探索“党建+”模式 助推公安工作提质增效"
    assert art.published == "2025-01-24T12:12" and art.authors == ("苏景汇",)
    assert art.paragraphs[0].startswith("近年来,")
    assert art.paragraphs[-1] == "2024年以来,通过“三好矛调室”和“水乡议事会”成功化解矛盾纠纷70余起。"


# -- builder ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_portal_has_every_kind_of_page(name: str) -> None:
    portal = build_portal(name, "http://127.0.0.1:9")
    truth, t = portal.truth, portal.template
    assert len(truth.articles) >= 12
    sections = [u for u in truth.listings if any(t.section_path(s) in u for s in t.sections)]
    assert len(sections) >= 3
    assert any(t.section_path(s, 2) in u for s in t.sections for u in truth.listings), "no page 2"
    tag = portal.articles[0].tags[0]
    assert portal.url(t.tag_path(tag)) in truth.listings
    assert portal.url(t.author_path(portal.articles[0].authors[0])) in truth.listings
    assert truth.disallowed and truth.media and truth.external_links


def test_article_url_shapes_differ_per_template() -> None:
    shapes = {
        name: re.sub(
            r"\d+", "N", urlsplit(next(iter(build_portal(name, "http://h").truth.articles))).path
        )
        for name in TEMPLATE_NAMES
    }
    assert len(set(shapes.values())) == len(shapes), shapes


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_chrome_never_occurs_in_article_text(name: str) -> None:
    corpus = load_corpus(TEMPLATES[name].language)
    portal = build_portal(name, "http://127.0.0.1:9", articles=corpus)
    for url, art in portal.truth.articles.items():
        text = squash("".join(art.paragraphs))
        leaked = [c for c in art.chrome if squash(c) and squash(c) in text]
        assert not leaked, (url, leaked)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_outside_links_point_elsewhere(name: str) -> None:
    portal = build_portal(
        name, "http://127.0.0.1:9", partner_links=[("p", "https://www.example-partner.com/x")]
    )
    hosts = {urlsplit(u).netloc for u in portal.truth.external_links}
    assert "127.0.0.1:9" not in hosts
    assert len(hosts) >= 3
    assert "https://www.example-partner.com/x" in portal.truth.external_links


def test_builder_is_deterministic() -> None:
    a, b = (
        build_portal("en_modern", "http://h", seed=3),
        build_portal("en_modern", "http://h", seed=3),
    )
    assert a.pages == b.pages


# -- served bytes -------------------------------------------------------------------------
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_served_pages_decode_with_declared_charset(portal_server: PortalServer, name: str) -> None:
    portal = portal_server.serve(name)
    for url, art in list(portal.truth.articles.items())[:4]:
        status, ctype, body = fetch(url)
        assert status == 200
        encoding, text = html_to_unicode(ctype, body)
        assert art.title in text, (url, encoding)
        assert squash(art.paragraphs[-1]) in squash(text.replace("&#x27;", "'"))
    if name == "zh_mobile":
        assert ctype == "text/html"  # charset only in the page's meta tag
        assert re.search(
            rb"<meta (charset=\"gbk\"|http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\")",
            body,
        )
        assert encoding in {"gbk", "gb18030"}


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_robots_disallows_an_existing_linked_path(portal_server: PortalServer, name: str) -> None:
    portal = portal_server.serve(name)
    status, ctype, body = fetch(portal.url("/robots.txt"))
    assert status == 200 and ctype.startswith("text/plain")
    rules = re.findall(r"^Disallow: (\S+)", body.decode(), re.M)
    for url in portal.truth.disallowed:
        assert any(urlsplit(url).path.startswith(rule) for rule in rules), url
        assert fetch(url)[0] == 200
    linked = [
        u
        for u in portal.truth.disallowed
        if any(urlsplit(u).path.encode() in page for page, _ in portal.pages.values())
    ]
    assert linked, "robots-blocked pages must be linked so a crawler meets them"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_media_served_as_media(portal_server: PortalServer, name: str) -> None:
    portal = portal_server.serve(name)
    for url in portal.truth.media:
        status, ctype, body = fetch(url)
        assert status == 200 and not ctype.startswith("text/html"), url
        assert body[:4] in {b"\xff\xd8\xff\xe0", b"GIF8", b"\x89PNG", b"%PDF", b"PK\x03\x04"}


def test_unknown_path_is_404(portal_server: PortalServer) -> None:
    portal = portal_server.serve("en_herald")
    assert fetch(portal.url("/no/such/page"))[0] == 404
    assert fetch(portal.url("/news.php?cat=nope"))[0] == 404


def test_tracking_query_serves_same_page(portal_server: PortalServer) -> None:
    portal = portal_server.serve("en_modern")
    url = next(iter(portal.truth.articles))
    assert fetch(url + "?utm_source=homepage&utm_medium=web")[2] == fetch(url)[2]


# -- server -------------------------------------------------------------------------------
def test_each_portal_gets_its_own_loopback_host(portal_server: PortalServer) -> None:
    a, b = portal_server.serve("zh_mobile"), portal_server.serve("en_modern")
    assert urlsplit(a.base_url).hostname != urlsplit(b.base_url).hostname
    assert all(urlsplit(p.base_url).hostname.startswith("127.") for p in (a, b))


def test_request_log_per_host(portal_server: PortalServer) -> None:
    a, b = portal_server.serve("zh_classic"), portal_server.serve("en_herald")
    fetch(a.url("/robots.txt"))
    fetch(a.start_url)
    fetch(b.url("/missing"))
    assert portal_server.paths(a) == ["/robots.txt", "/"]
    assert portal_server.paths(b) == ["/missing"]
    assert [r.status for r in portal_server.request_log] == [200, 200, 404]
    portal_server.clear_log()
    assert portal_server.request_log == []


def test_content_swap_and_edits_while_running(portal_server: PortalServer) -> None:
    portal = portal_server.serve("en_modern", seed=0)
    first = portal.articles[0]
    url = portal.article_url(first.id)
    portal.edit_article(first.id, title=first.title + " (updated)", modified="2025-03-01T08:00")
    assert b"(updated)" in fetch(portal.url(portal.template.article_path(portal.articles[0])))[2]
    newcomer = load_corpus("en")[-1].replace(
        id=999, published="2025-03-02T09:00", title="Brand new story"
    )
    portal.add_article(newcomer)
    assert fetch(portal.article_url(999))[0] == 200
    assert b"Brand new story" in fetch(portal.start_url)[2]
    portal.remove_article(999)
    assert fetch(portal.url("/2025/03/02/brand-new-story/"))[0] == 404
    other = build_portal("en_herald", portal.base_url)
    portal_server.swap(other)
    assert b"The Example Herald" in fetch(portal.start_url)[2]
    assert fetch(url)[0] == 404


def test_server_stops_and_frees_port() -> None:
    server = PortalServer().start()
    portal = server.serve("zh_mobile")
    assert fetch(portal.start_url)[0] == 200
    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(portal.start_url, timeout=2)


def test_demo_server_module_writes_urls_and_serves(tmp_path: Path) -> None:
    urls_file = tmp_path / "urls.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "demo.server", "--out-urls", str(urls_file)], cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 30
        while not urls_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        urls = urls_file.read_text().split()
        assert len(urls) == 4 and len({urlsplit(u).hostname for u in urls}) == 4
        assert all(fetch(u)[0] == 200 for u in urls)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


# -- golden fixtures and helpers -----------------------------------------------------------
def test_golden_fixtures_are_up_to_date() -> None:
    assert regenerate.main(["--check"]) == 0, "run: python tests/golden/regenerate.py"


def test_parse_stats_reads_scrapy_dump() -> None:
    log = (
        "INFO: Dumping Scrapy stats:\n{'downloader/response_count': 12,\n 'elapsed_time_seconds': 1.5,\n"
        " 'finish_time': datetime.datetime(2025, 1, 1, 0, 0),\n 'item_scraped_count': 3}\nINFO: Spider closed"
    )
    assert parse_stats(log) == {
        "downloader/response_count": 12,
        "elapsed_time_seconds": 1.5,
        "item_scraped_count": 3,
    }
