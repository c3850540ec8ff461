"""The pure parts of scheduled runs: URL identity, SimHash, safe XML discovery, sites files."""

from __future__ import annotations

import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.canonical import clean_url, url_key
from crawler.discovery import (
    DiscoveryError,
    feed_links,
    inflate,
    parse_date,
    parse_feed,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.sitesfile import SitesFileError, load_sites_file
from pipelines.workerpool import read_and_hash
from reader import ReadOptions, read_page
from reader.simhash import SimHashIndex, hamming, simhash
from reader.text import word_count
from tests.golden import GOLDEN, load_golden

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "https://news.example.com/2024/05/story-123.html"


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example.com/2024/05/story-123.html?utm_source=x&utm_medium=y",
        "https://news.example.com/2024/05/story-123.html?fbclid=abc&gclid=def#comments",
        "https://news.example.com/2024/05/story-123.html?spm=a.b.c&from=timeline",
        "http://news.example.com:80/2024/05/story-123.html",
        "https://www.news.example.com/2024/05/story-123.html",
        "https://m.news.example.com/2024/05/story-123.html",
        "https://wap.news.example.com/2024/05/story-123.html",
        "https://amp.news.example.com/2024/05/story-123.html",
        "https://news.example.com/m/2024/05/story-123.html",
        "https://news.example.com/2024/05/story-123.html/amp",
        "https://news.example.com/2024/05/story-123.html?amp=1",
        "https://news.example.com/2024/05/story-123.html?outputType=amp",
    ],
)
def test_variants_of_an_article_share_its_key(variant: str) -> None:
    assert url_key(variant) == url_key(ARTICLE)


def test_keys_keep_what_identifies_a_page() -> None:
    assert url_key(ARTICLE + "?id=5") != url_key(ARTICLE + "?id=6")
    assert url_key("https://a.example.com/x") != url_key("https://b.example.com/x")
    assert url_key("https://news.example.com:8080/x") != url_key("https://news.example.com/x")
    assert clean_url("https://Ex.com:443/news/index.html?b=2&a=1&utm_x=3#f") == (
        "https://ex.com/news/?a=1&b=2"
    )


def test_simhash_finds_near_copies_not_other_stories() -> None:
    story = " ".join(f"The council approved budget item {i} for the harbour." for i in range(60))
    copy = story + " Syndicated from Alpha Herald."
    other = " ".join(f"The orchestra opened season {i} at the stadium." for i in range(60))
    assert hamming(simhash(story), simhash(copy)) <= 3
    assert hamming(simhash(story), simhash(other)) > 10
    index = SimHashIndex(capacity=2)
    index.add(simhash(story), "a", "https://a/1")
    match = index.nearest(simhash(copy))
    assert match is not None and match.url == "https://a/1"
    assert index.nearest(simhash(copy), exclude=frozenset({"a"})) is None
    index.add(simhash(other), "b", "https://a/2")
    index.add(simhash("entirely different words here now"), "c", "https://a/3")
    assert len(index) == 2 and index.nearest(simhash(story)) is None  # "a" was evicted


# SimHash values as the state stores hold them from earlier runs: a faster implementation
# must give the same values, or near copies of stored articles are no longer found.
STORED_SIMHASHES = {
    "en_herald_snowstorm": 0x4F79BF7B51F34A78,
    "zh_mobile_ev_subsidy": 0x66989A250DC81D60,
    # Not NFKC-normal: SimHash splits the NFKC form, the word count the text as it is.
    "full width": 0x568234A52A07606A,
}
FULL_WIDTH = (
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ letters in the ﬁnal ofﬁce report of ２０２４: costs rose ①"
)


@pytest.mark.parametrize("name", sorted(STORED_SIMHASHES))
def test_simhash_values_stay_those_stored_whatever_was_split_before(name: str) -> None:
    if name == "full width":
        text = FULL_WIDTH
    else:
        expected, html = load_golden(GOLDEN / name)
        text = read_and_hash(read_page, html, expected["url"], ReadOptions()).fields["text"]
    word_count(text)  # as the extractor does last: its tokens are remembered
    assert simhash(text) == STORED_SIMHASHES[name]
    word_count("Another text entirely")
    assert simhash(text) == STORED_SIMHASHES[name]


def test_sitemap_entity_expansion_and_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    body = f"""<?xml version="1.0"?>
<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example.com/x&xxe;&b;.html</loc></url></urlset>""".encode()
    document = parse_sitemap(body, "https://news.example.com/sitemap.xml")
    assert all("TOPSECRET" not in e.url and "aaaaaaaaaa" not in e.url for e in document.entries)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<" + b"a" * 5_000_000)
    with pytest.raises(DiscoveryError):
        inflate(bomb, limit=1_000_000)


def test_news_sitemap_feeds_robots_and_link_discovery() -> None:
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>
      <loc>https://n.example.com/a.html</loc><news:news><news:publication_date>2025-03-01T10:00:00+02:00
      </news:publication_date><news:title>Headline</news:title></news:news></url></urlset>"""
    entry = parse_sitemap(gzip.compress(news), "https://n.example.com/").entries[0]
    assert entry.changed == datetime(2025, 3, 1, 8, tzinfo=UTC) and entry.title == "Headline"
    rss = b"""<rss version="2.0"><channel><item><title>T</title><link>/b.html</link>
      <pubDate>Sat, 01 Mar 2025 10:00:00 GMT</pubDate></item></channel></rss>"""
    assert parse_feed(rss, "https://n.example.com/feed")[0].url == "https://n.example.com/b.html"
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate"
      href="https://n.example.com/c.html"/><updated>2025-03-01</updated></entry></feed>"""
    assert parse_feed(atom, "https://n.example.com/")[0].changed == parse_date("2025-03-01")
    assert robots_sitemaps("User-agent: *\nSitemap: /s.xml\n", "https://n.example.com/") == [
        "https://n.example.com/s.xml"
    ]
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>'
    assert feed_links(page, "https://n.example.com/") == ["https://n.example.com/rss"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            '[sites.alpha]\nstart_urls = ["https://a.example.com/"]\ncolour = 1\n',
            "'alpha': key 'colour'",
        ),
        (
            '[sites.alpha]\nstart_urls = ["https://a.example.com/"]\ndeny = ["("]\n',
            "'alpha': key 'deny'",
        ),
        ('[sites.beta]\nfeeds = ["ftp://b.example.com/rss"]\n', "'beta': key 'feeds'"),
        (
            '[sites.beta]\nstart_urls = ["https://b.example.com/"]\nmax_pages = 0\n',
            "'beta': key 'max_pages'",
        ),
        (
            '[sites.beta]\nsitemaps = ["https://b.example.com/s.xml"]\nprune_css = ["div[["]\n',
            "'beta': key 'prune_css'",
        ),
    ],
)
def test_bad_sites_file_names_site_and_key(tmp_path: Path, text: str, names: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text)
    with pytest.raises(SitesFileError, match=names):
        load_sites_file(path)


def test_bad_sites_file_stops_the_crawl_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.yaml"
    path.write_text(
        "sites:\n  gamma:\n    start_urls: ['https://g.example.com/']\n    allow: ['[']\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert result.returncode == 2
    assert len(lines) == 1 and "'gamma': key 'allow'" in lines[0], lines


def test_example_sites_file_loads() -> None:
    sites = load_sites_file(ROOT / "sites.example.toml")
    assert [s.name for s in sites] == ["example-news", "example-zh"]
