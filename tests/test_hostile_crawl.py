"""One crawl of a hostile site on 127.0.0.1: SSRF attempts, faults, bad markup, pathological
pages, odd encodings and robots.txt errors. The crawl must go on, lose nothing, let nothing in.

The crawl runs once per module (it takes ~30 s); each test reads one aspect of its result.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.outcome import ExitCode
from tests.hostile_crawl import CrawlResult, run_crawl
from tests.hostile_pages import (
    article_html,
    deep_nesting,
    gzip_bomb,
    huge_text_node,
    listing_html,
    many_paragraphs,
)
from tests.hostile_server import Handler, ScriptedServer

# Texts of the encoding pages: (language, encoding label, title, paragraph).
CJK = {
    "gbk": (
        "zh",
        "gbk",
        "北京市政府发布新的交通规划",
        "北京市政府今天发布了新的城市交通规划，地铁线路将在未来五年内大幅增加。",
    ),
    "gb18030": (
        "zh",
        "gb18030",
        "广州举办国际美食节𠮷",
        "广州国际美食节今天开幕，来自世界各地的厨师带来了特色菜肴，吸引大量市民。𠮷",
    ),
    "big5": (
        "zh-TW",
        "big5",
        "臺北市宣布調整公車票價",
        "臺北市政府今日宣布，明年起將調整公車票價，並增加夜間班次以方便市民通勤。",
    ),
    "shift_jis": (
        "ja",
        "shift_jis",
        "東京都が新しい条例を発表",
        "東京都は本日、新しい環境条例を発表しました。来年から施行される予定です。",
    ),
    "euc-kr": (
        "ko",
        "euc-kr",
        "서울시 새로운 교통 정책 발표",
        "서울시는 오늘 새로운 교통 정책을 발표했습니다. 버스 노선이 크게 개편됩니다.",
    ),
}
ENCODING_MODES = ("header", "meta", "none")
WRONG_HEADERS = {"gbk-as-utf8": "utf-8", "gbk-as-latin1": "iso-8859-1"}
UNCLOSED = "/news/2024/05/02/unclosed-story.html"
SETTINGS = {
    "DOWNLOAD_TIMEOUT": "2",
    "DOWNLOAD_MAXSIZE": str(20 * 1024 * 1024),
    "DOWNLOAD_WARNSIZE": "0",
    "NEWS_RETRY_BACKOFF_BASE": "0.3",
    "NEWS_RETRY_AFTER_MAX": "5",
    "NEWS_EXTRACT_TIMEOUT": "3",
    "CONCURRENT_REQUESTS": "32",
}


def encoding_page(name: str, mode: str, tag: str) -> tuple[bytes, str]:
    lang, label, title, sentence = CJK[name]
    paragraphs = [f"{sentence}（{tag}，第{i}段）" for i in range(5)]
    page = article_html(
        title, paragraphs, meta_charset=label if mode == "meta" else None, lang=lang
    )
    ctype = f"text/html; charset={label}" if mode == "header" else "text/html"
    return page.encode(label), ctype


def send(
    body: bytes | str, status: int = 200, ctype: str = "text/html; charset=utf-8", **headers: str
):  # noqa: ANN201
    data = body.encode() if isinstance(body, str) else body
    return lambda h: h.send_body(data, status, ctype, headers)


def redirect(to: str):  # noqa: ANN201
    return lambda h: h.send_body(b"", 302, "text/html", {"Location": to})


def once_then(first, then):  # noqa: ANN001, ANN201
    state = {"n": 0}

    def route(h: Handler) -> None:
        state["n"] += 1
        (first if state["n"] == 1 else then)(h)

    return route


# How long a hanging answer holds on when the crawler never gives up (a failure of the test,
# not a figure it measures: the crawler's DOWNLOAD_TIMEOUT is 2 s).
HOLD_SECONDS = 120


def hang(h: Handler) -> None:
    """No answer at all until the crawler gives up and closes the connection (its download
    timeout): never an early close that the crawler would see as a lost connection."""
    h.connection.settimeout(HOLD_SECONDS)
    with contextlib.suppress(OSError):
        h.rfile.read(1)  # b"" once the crawler hangs up


def drip(h: Handler) -> None:
    """A byte every quarter second of a 100,000-byte body, until the crawler hangs up."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(HOLD_SECONDS * 4):
            h.wfile.write(b"<")
            h.wfile.flush()
            time.sleep(0.25)


def truncated(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", "5000")
    h.end_headers()
    h.wfile.write(article_html("Truncated article never complete").encode()[:1000])
    h.wfile.flush()
    h.close_connection = True


def controls_page() -> str:
    title = "Control\u2028characters\u0085and\u2029separators\x07 in a title"
    ld = '{"@type": "NewsArticle", "headline": "Lone \\ud800 surrogate headline", "author": {"name": "Ann\\u2028Lee\\u0000"}}'
    paragraphs = [
        f"Line one\u2028line two\u2029line three\x0b and a bell\x07 and a NUL-free text {i}. {'words ' * 20}"
        for i in range(5)
    ]
    return article_html(
        title, paragraphs, head_extra=f'<script type="application/ld+json">{ld}</script>'
    )


def unclosed_page() -> str:
    paragraphs = "".join(
        f"<p>Unclosed paragraph {i} tells the story of the flooded valley and its people <b>bold <i>italic"
        for i in range(6)
    )
    return (
        "<html><head><title>Flooded valley story with unclosed tags</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-05-02T08:00:00Z">'
        "<body><article><h1>Flooded valley story with unclosed tags<div><span>" + paragraphs
    )


class Portal:
    """The servers of the hostile crawl and the URLs they expose."""

    def __init__(self) -> None:
        self.site = ScriptedServer("127.0.0.1")
        self.secret = ScriptedServer(
            "127.0.0.2", routes={"/secret": send(article_html("SECRET internal page"))}
        )
        self.other_port = ScriptedServer(
            "127.0.0.1", routes={"/secret": send(article_html("SECRET other port"))}
        )
        self.robots = {
            "5xx": ScriptedServer(
                "127.0.0.1", routes={"/robots.txt": send("down", 503, "text/plain")}
            ),
            "4xx": ScriptedServer(
                "127.0.0.1", routes={"/robots.txt": send("gone", 404, "text/plain")}
            ),
            "timeout": ScriptedServer("127.0.0.1", routes={"/robots.txt": hang}),
            "huge": ScriptedServer("127.0.0.1"),
        }
        huge = (
            "User-agent: *\nDisallow: /private\n" + "# filler line of a huge robots file\n" * 20000
        )
        self.robots["huge"].routes["/robots.txt"] = send(huge, ctype="text/plain")
        for name, server in self.robots.items():
            server.routes["/"] = send(listing_html(["/robots-article"]))
            server.routes["/robots-article"] = send(article_html(f"Robots {name} site article"))
            server.routes["/private"] = send(article_html(f"Robots {name} private article"))
        self.robots["huge"].routes["/"] = send(listing_html(["/robots-article", "/private"]))
        self.site.routes.update(self.routes())
        self.site.routes["/"] = send(listing_html(self.links()))

    def routes(self) -> dict[str, Any]:
        secret, other = self.secret, self.other_port
        routes: dict[str, Any] = {
            "/robots.txt": send("User-agent: *\nDisallow: /private\n", ctype="text/plain"),
            "/private": send(article_html("Private page robots forbids")),
            # address policy
            "/r-ip": redirect(f"{secret.base}/secret"),
            "/r-port": redirect(f"{other.base}/secret"),
            "/r-v6": redirect(f"http://[::1]:{other.port}/secret"),
            "/r-mapped": redirect(f"http://[::ffff:127.0.0.2]:{secret.port}/secret"),
            "/r-file": redirect("file:///etc/hostname"),
            # HTTP faults
            "/n404": send("missing", 404),
            "/g410": send("gone", 410),
            "/e500": send("broken", 500),
            "/e503-once": once_then(
                send("busy", 503), send(article_html("Recovered after one 503"))
            ),
            "/r429": once_then(
                send("slow down", 429, **{"Retry-After": "2"}),
                send(article_html("Served after Retry-After")),
            ),
            "/r429-long": send("come back tomorrow", 429, **{"Retry-After": "3600"}),
            "/reset": lambda h: h.reset(),
            "/hang": hang,
            "/drip": drip,
            "/truncated": truncated,
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            # bad markup and bodies
            "/bomb": send(gzip_bomb(), ctype="text/html", **{"Content-Encoding": "gzip"}),
            "/empty": send(b""),
            "/pdf": send(
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 50,
                ctype="text/html",
            ),
            "/jpeg": send(
                b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 40, ctype="text/html"
            ),
            UNCLOSED: send(unclosed_page()),
            "/controls": send(controls_page()),
            # pathological pages for the worker pool
            "/deep": send(deep_nesting(300)),
            "/many": send(many_paragraphs(100_000)),
            "/huge": send(huge_text_node(15)),
        }
        for i in range(8):
            routes[f"/a{i}"] = send(article_html(f"Ordinary article number {i} about the harbour"))
        for i in range(12):
            routes[f"/chain/{i}"] = redirect(f"/chain/{i + 1}")
        for name in CJK:
            for mode in ENCODING_MODES:
                body, ctype = encoding_page(name, mode, f"{name}-{mode}")
                routes[f"/enc/{name}-{mode}"] = send(body, ctype=ctype)
        for tag, header in WRONG_HEADERS.items():
            body, _ = encoding_page("gbk", "none", tag)
            routes[f"/enc/{tag}"] = send(body, ctype=f"text/html; charset={header}")
        return routes

    def links(self) -> list[str]:
        paths = [
            p
            for p in self.site.routes
            if p not in ("/", "/robots.txt") and not p.startswith("/chain/")
        ]
        return [
            *paths,
            "/chain/0",
            f"{self.secret.base}/secret",
            f"{self.other_port.base}/secret",
            "file:///etc/hostname",
            "ftp://127.0.0.1/file",
        ]

    def start_urls(self) -> list[str]:
        return [f"{self.site.base}/", *(f"{server.base}/" for server in self.robots.values())]

    def servers(self) -> list[ScriptedServer]:
        return [self.site, self.secret, self.other_port, *self.robots.values()]


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    portal = Portal()
    yield portal
    for server in portal.servers():
        server.close()


@pytest.fixture(scope="module")
def crawl(portal: Portal, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return run_crawl(tmp_path_factory.mktemp("hostile"), portal.start_urls(), SETTINGS)


def url(portal: Portal, path: str) -> str:
    return portal.site.base + path


def exported(crawl: CrawlResult) -> dict[str, dict[str, Any]]:
    return {item["url"]: item for item in crawl.items}


# --- 1. address policy ---------------------------------------------------------------------


def test_no_request_reaches_another_address_or_port(portal: Portal, crawl: CrawlResult) -> None:
    assert portal.secret.hits == []
    assert portal.other_port.hits == []
    assert "SECRET" not in crawl.feed.read_text("utf-8")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/r-ip", "refused: loopback address"),
        ("/r-port", "refused: loopback address"),
        ("/r-v6", "refused: loopback address"),
        ("/r-mapped", "refused: loopback address"),
    ],
)
def test_redirect_to_forbidden_target_is_refused_and_counted(
    portal: Portal, crawl: CrawlResult, path: str, reason: str
) -> None:
    by_origin = {r.get("redirected_from"): r["reason"] for r in crawl.rejects}
    assert by_origin.get(url(portal, path)) == reason
    assert crawl.stats["policy/refused"] >= 4
    assert crawl.stats[f"requests/failed/{reason}"] >= 1


def test_redirect_to_file_scheme_is_not_followed(portal: Portal, crawl: CrawlResult) -> None:
    assert crawl.reasons()[url(portal, "/r-file")] == "http 302"


def test_links_to_other_addresses_and_schemes_are_not_followed(crawl: CrawlResult) -> None:
    assert crawl.stats["spider/offsite_links_skipped"] >= 2
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    assert not hostname or all(hostname not in item["text"] for item in crawl.items)


# --- 2. limits ------------------------------------------------------------------------------


def test_gzip_bomb_is_cut_at_the_size_limit(portal: Portal, crawl: CrawlResult) -> None:
    assert crawl.reasons()[url(portal, "/bomb")] == "too large"


def test_telnet_and_remote_control_are_off(crawl: CrawlResult) -> None:
    assert "Telnet console listening" not in crawl.log
    assert "Remote control HTTP server listening" not in crawl.log


# --- 3. robots.txt --------------------------------------------------------------------------


def test_robots_5xx_and_timeout_disallow_the_site(portal: Portal, crawl: CrawlResult) -> None:
    for name in ("5xx", "timeout"):
        server = portal.robots[name]
        assert server.count("/") == 0, name
        assert server.count("/robots-article") == 0, name
    assert crawl.stats["robotstxt/disallow_all/5xx"] == 1
    assert crawl.stats["robotstxt/disallow_all/error"] == 1
    assert crawl.stats["requests/failed/robots.txt unavailable"] >= 2


def test_robots_4xx_allows_and_huge_file_is_capped(portal: Portal, crawl: CrawlResult) -> None:
    assert portal.robots["4xx"].count("/robots-article") == 1
    assert crawl.stats["robotstxt/allow_all/4xx"] >= 1
    assert crawl.stats["robotstxt/truncated"] == 1
    # The capped file still applies its rules.
    assert portal.robots["huge"].count("/robots-article") == 1
    assert portal.robots["huge"].count("/private") == 0
    assert portal.site.count("/private") == 0


# --- 4. pathological pages in the worker pool --------------------------------------------------


def test_pathological_pages_are_rejected_and_the_crawl_goes_on(
    portal: Portal, crawl: CrawlResult
) -> None:
    reasons = crawl.reasons()
    assert reasons[url(portal, "/many")] == "extraction timeout"
    assert reasons[url(portal, "/huge")] == "too large"
    assert reasons[url(portal, "/deep")] in ("too deeply nested", "extraction timeout")
    items = exported(crawl)
    assert all(url(portal, f"/a{i}") in items for i in range(8))


# --- 5. encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ENCODING_MODES)
@pytest.mark.parametrize("name", list(CJK))
def test_cjk_encodings_decode_right(
    portal: Portal, crawl: CrawlResult, name: str, mode: str
) -> None:
    item = exported(crawl).get(url(portal, f"/enc/{name}-{mode}"))
    assert item is not None, crawl.reasons().get(url(portal, f"/enc/{name}-{mode}"))
    _, _, title, sentence = CJK[name]
    assert item["title"] == title
    assert sentence in item["text"]


@pytest.mark.parametrize("tag", list(WRONG_HEADERS))
def test_wrong_header_charset_is_redecoded(portal: Portal, crawl: CrawlResult, tag: str) -> None:
    item = exported(crawl).get(url(portal, f"/enc/{tag}"))
    assert item is not None, crawl.reasons().get(url(portal, f"/enc/{tag}"))
    assert item["title"] == CJK["gbk"][2]
    assert CJK["gbk"][3] in item["text"]


# --- 6. bad markup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/empty", "empty body"),
        ("/pdf", "binary content"),
        ("/jpeg", "binary content"),
        ("/truncated", "truncated response"),
    ],
)
def test_bad_bodies_are_rejected_with_reason(
    portal: Portal, crawl: CrawlResult, path: str, reason: str
) -> None:
    assert crawl.reasons()[url(portal, path)] == reason
    assert url(portal, path) not in exported(crawl)


def test_unclosed_tags_still_give_the_article(portal: Portal, crawl: CrawlResult) -> None:
    item = exported(crawl)[url(portal, UNCLOSED)]
    assert "flooded valley" in item["text"]


# --- 7. HTTP faults -----------------------------------------------------------------------------


def test_404_and_410_are_not_retried(portal: Portal, crawl: CrawlResult) -> None:
    assert portal.site.count("/n404") == 1
    assert portal.site.count("/g410") == 1
    assert crawl.reasons()[url(portal, "/n404")] == "http 404"
    assert crawl.reasons()[url(portal, "/g410")] == "http 410"


def test_500_is_retried_with_backoff_then_rejected(portal: Portal, crawl: CrawlResult) -> None:
    times = portal.site.times("/e500")
    assert len(times) == 3
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= 0.25 and gaps[1] >= 0.5, gaps
    assert crawl.reasons()[url(portal, "/e500")] == "http 500"
    assert url(portal, "/e503-once") in exported(crawl)


def test_429_honours_retry_after_within_bound(portal: Portal, crawl: CrawlResult) -> None:
    first, second = portal.site.times("/r429")
    assert second - first >= 1.9
    assert url(portal, "/r429") in exported(crawl)
    assert portal.site.count("/r429-long") == 1
    assert crawl.reasons()[url(portal, "/r429-long")] == "http 429"
    assert crawl.stats["retry/retry_after_too_long"] == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/reset", "connection lost"), ("/hang", "download timeout"), ("/drip", "download timeout")],
)
def test_resets_and_timeouts_are_retried_then_counted(
    portal: Portal, crawl: CrawlResult, path: str, reason: str
) -> None:
    # Twisted's client may itself retry once on a reset persistent connection.
    assert 3 <= portal.site.count(path) <= 6
    assert crawl.reasons()[url(portal, path)] == reason
    assert crawl.stats[f"requests/failed/{reason}"] >= 1


def test_redirect_loops_and_chains_stop(portal: Portal, crawl: CrawlResult) -> None:
    assert portal.site.count("/loop-a") + portal.site.count("/loop-b") <= 4
    # The first request and REDIRECT_MAX_TIMES (5) hops; the sixth target is never requested.
    assert portal.site.count("/chain/5") >= 1
    assert portal.site.count("/chain/6") == 0
    assert crawl.reasons()[url(portal, "/chain/5")] == "too many redirects"
    loop = {r.get("redirected_from") or r["url"]: r["reason"] for r in crawl.rejects}
    assert any(u in loop for u in (url(portal, "/loop-a"), url(portal, "/loop-b")))


# --- 8. output integrity ------------------------------------------------------------------------


def test_every_line_is_one_valid_object_with_clean_strings(crawl: CrawlResult) -> None:
    raw = crawl.feed.read_bytes()
    raw.decode("utf-8")  # valid UTF-8
    for char in ("\u2028", "\u2029", "\u0085"):
        assert char.encode() not in raw
    for line in crawl.lines:
        item = json.loads(line)
        for value in _strings(item):
            assert not any(ord(c) < 32 and c not in "\n\t" for c in value), value
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value), value
            assert not any(c in value for c in "\u2028\u2029\u0085"), value


def test_control_characters_are_normalised_not_dropped(portal: Portal, crawl: CrawlResult) -> None:
    item = exported(crawl)[url(portal, "/controls")]
    assert "\n" not in item["title"]
    assert item["title"].startswith("Control characters and separators")
    assert "line two" in item["text"]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


# --- 9. accounting --------------------------------------------------------------------------------


def test_every_fetched_page_is_accounted_for(crawl: CrawlResult) -> None:
    stats = crawl.stats
    fetched = stats["pages/fetched"]
    kinds = ("article", "listing", "rejected", "unchanged")
    outcomes = sum(stats.get(f"pages/{k}", 0) for k in kinds)
    assert fetched == outcomes
    assert stats["pages/unaccounted"] == 0
    assert stats.get("pages/article", 0) == len(crawl.items)
    assert len(crawl.rejects) == stats.get("pages/rejected", 0) + stats.get("requests/failed", 0)
    assert all(r.get("url") and r.get("reason") for r in crawl.rejects)
    assert f"pages: {fetched} fetched = " in crawl.log


def test_the_crawl_finished_and_names_the_sites_that_were_down(
    portal: Portal, crawl: CrawlResult
) -> None:
    """The run finishes; it exits 3 (some sites failed) because the two sites whose
    robots.txt was unavailable (5xx, timeout) were skipped entirely, and says which they were."""
    assert crawl.stats["finish_reason"] == "finished"
    assert crawl.returncode == ExitCode.SITES_FAILED, crawl.log[-3000:]
    down = sorted(f"127.0.0.1:{portal.robots[name].port}" for name in ("5xx", "timeout"))
    assert f"crawl failed: some sites failed, no page of theirs answered: {', '.join(down)}" in (
        crawl.log
    )
    assert "Traceback" not in crawl.log
