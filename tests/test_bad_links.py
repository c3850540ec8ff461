"""A bad link never loses a page (issue 18): hrefs that make no URL are skipped and counted.

Real pages carry anchors such as ``href="http://[ccpa-preferences]"`` (a US news template) or
``href="//[x]/y"``; ``urlsplit`` raises on them. The reader skips such a link, counts it in
``PageReading.bad_links`` (the extraction stage adds it to ``reader/bad_links_skipped``), and
reads the page. Property tests throw arbitrary hrefs and base URLs at it.
"""

from __future__ import annotations

from html import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.canonical import clean_url, fetchable, url_key
from crawler.discovery import feed_links, parse_feed, parse_sitemap, robots_sitemaps
from crawler.sites import sites_from_start_urls
from reader import read_page
from reader.links import read_links
from reader.page import parse_html

PAGE_URL = "https://news.example.org/2024/05/02/council-budget.html"
BODY = " ".join(
    ["The council approved the harbour budget after a long debate on Tuesday evening."] * 12
)


def article(hrefs: list[str], base: str | None = None, canonical: str | None = None) -> str:
    """A plain article page whose chrome carries the given hrefs."""
    head = f'<base href="{escape(base)}">' if base is not None else ""
    if canonical is not None:
        head += f'<link rel="canonical" href="{escape(canonical)}">'
        head += f'<meta property="og:url" content="{escape(canonical)}">'
        head += f'<meta property="og:image" content="{escape(canonical)}">'
    anchors = "".join(
        f'<li><a href="{escape(h)}">Privacy choices and preferences {i}</a></li>'
        for i, h in enumerate(hrefs)
    )
    return (
        f"<html><head><title>Council budget | Example</title>{head}</head><body>"
        f"<nav><ul>{anchors}</ul></nav><article><h1>Council approves the harbour budget</h1>"
        f"<p>{BODY}</p><p>{BODY}</p></article>"
        f'<footer><a href="/about/">About us</a></footer></body></html>'
    )


BAD_HREFS = [
    "http://[ccpa-preferences]",
    "//[x]/y",
    "https://[::1",
    "http://example.org:99999/a",
    "http://example.org:port/a",
    "http://exa\x7fmple.org/a",
    "https://exam ple.org/a",
    "http://]/",
]


def test_a_page_with_bad_links_is_read_and_the_bad_links_are_counted() -> None:
    html = article([*BAD_HREFS, "/2024/05/01/other-story.html"])
    reading = read_page(html, PAGE_URL)
    assert reading.kind == "article", reading.reason
    assert "harbour budget" in reading.fields["text"]
    assert reading.links == [
        "https://news.example.org/2024/05/01/other-story.html",
        "https://news.example.org/about/",
    ]
    assert reading.bad_links == len(BAD_HREFS)


def test_a_bad_base_href_or_canonical_falls_back_to_the_page_url() -> None:
    html = article(["/a/story.html"], base="http://[bad]/", canonical="http://[bad]/x")
    reading = read_page(html, PAGE_URL)
    assert reading.kind == "article"
    assert reading.fields["canonical_url"] == PAGE_URL
    assert "https://news.example.org/a/story.html" in reading.links


def test_clean_url_and_url_key_never_raise_and_fetchable_says_no() -> None:
    for href in BAD_HREFS:
        clean_url(href)
        url_key(href)
        assert not fetchable(href), href


# Hrefs built from the parts that break URL parsers: brackets, ports, controls, schemes.
PIECES = st.sampled_from(
    [
        "http://",
        "https://",
        "//",
        "[",
        "]",
        "::1",
        "ccpa",
        ":",
        "99999",
        "-1",
        "@",
        "/",
        "?",
        "#",
        "%",
        "%zz",
        "\x00",
        "\t",
        "\n",
        "\x7f",
        " ",
        "\u3000",
        "例",
        "javascript:",
        "..",
        "example.org",
        "xn--",
        ";",
    ]
)
HREFS = st.one_of(
    st.lists(PIECES, max_size=8).map("".join),
    st.text(max_size=40),
)
BASES = st.one_of(
    st.just(PAGE_URL),
    st.lists(PIECES, max_size=6).map(lambda parts: "http://" + "".join(parts)),
    st.text(max_size=30),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hrefs=st.lists(HREFS, max_size=6), base=BASES)
def test_read_links_never_raises(hrefs: list[str], base: str) -> None:
    html = article(hrefs, base=base)
    links = read_links(parse_html(html, 1_000_000), PAGE_URL)
    assert all(fetchable(u) for u in links.follow)
    assert links.bad <= len(hrefs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hrefs=st.lists(HREFS, max_size=4),
    base=BASES,
    canonical=HREFS,
    # The page's own URL is one Scrapy fetched: it parses (w3lib made it safe).
    page_url=BASES.filter(fetchable),
)
def test_read_page_never_raises(hrefs: list[str], base: str, canonical: str, page_url: str) -> None:
    reading = read_page(article(hrefs, base=base, canonical=canonical), page_url)
    assert reading.kind in ("article", "listing", "reject")


@settings(max_examples=300, deadline=None)
@given(url=HREFS)
def test_url_functions_never_raise(url: str) -> None:
    clean_url(url)
    url_key(url)
    fetchable(url)


def test_a_path_with_a_space_is_still_a_link() -> None:
    """Browsers (and Scrapy) escape a space in a path: only a bad host makes a link bad."""
    reading = read_page(article(["/2024/05/a story.html"]), PAGE_URL)
    assert "https://news.example.org/2024/05/a story.html" in reading.links
    assert reading.bad_links == 0


def test_links_stop_being_resolved_at_the_limit_and_the_rest_is_counted() -> None:
    hrefs = [f"https://elsewhere.example/{i}" for i in range(5)]
    hrefs += [f"/2024/05/story-{i}.html" for i in range(50)]
    tree = parse_html(article(hrefs), 1_000_000)
    links = read_links(tree, PAGE_URL, ("https://news.example.org/",), limit=10)
    on_site = [u for u in links.follow if u.startswith("https://news.example.org/")]
    assert len(on_site) == 10
    assert len(links.follow) == 15  # off-site links before the limit are returned as well
    assert links.cut == 40 + 1  # the rest, and the footer's link


def test_one_bad_entry_does_not_cost_its_sitemap_or_feed() -> None:
    sitemap = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>http://[ccpa-preferences]/a</loc></url>
    <url><loc>https://news.example.org/2024/05/02/good.html</loc></url></urlset>"""
    entries = parse_sitemap(sitemap, "https://news.example.org/sitemap.xml").entries
    assert [e.url for e in entries] == ["", "https://news.example.org/2024/05/02/good.html"]
    feed = b"""<rss version="2.0"><channel><item><link>//[x]/y</link></item>
    <item><link>/2024/05/02/good.html</link></item></channel></rss>"""
    assert [e.url for e in parse_feed(feed, "https://news.example.org/feed.xml")] == [
        "https://news.example.org/2024/05/02/good.html",
    ]
    robots = "Sitemap: http://[bad]/s.xml\nSitemap: /sitemap.xml\n"
    assert robots_sitemaps(robots, "https://news.example.org/robots.txt") == [
        "https://news.example.org/sitemap.xml"
    ]
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="http://[x]/f">'
    assert feed_links(page, "https://news.example.org/") == []


SITE = sites_from_start_urls(["https://news.example.org/"], 10)[0]


@settings(max_examples=300, deadline=None)
@given(url=st.one_of(HREFS, HREFS.map(lambda h: "https://news.example.org" + h)))
def test_the_spiders_site_test_never_raises(url: str) -> None:
    """The spider asks every link (its own extractor's, sitemap and feed entries) whether it
    is on the site before anything else."""
    assert SITE.owns(url) in (True, False)
