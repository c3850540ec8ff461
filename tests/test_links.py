"""The reader returns each page's links, so the spider never parses a page itself."""

from reader import read_page
from reader.links import read_links
from reader.page import parse_html

PAGE = """<html><head><title>T</title></head><body>
<nav><a href="/world/">World</a> <a href="/sport/">Sport</a></nav>
<article><h1>Headline</h1><p>{body}</p>
<a href="/2024/05/one-story.html#comments">A long teaser headline for the first story</a>
<a href="/2024/05/one-story.html">A long teaser headline, again</a>
<a href="https://other.example/x">Elsewhere, with a long anchor text</a>
<a href="javascript:void(0)">Share this article now</a> <a href="mailto:a@b.c">Mail us</a>
<a href="#top">Back to top</a><map><area href="/map-target"></map>
</article></body></html>"""


def test_links_are_absolute_unique_without_fragments_and_schemes_we_cannot_fetch() -> None:
    tree = parse_html(PAGE.format(body="x"), 1_000_000)
    links = read_links(tree, "http://127.0.0.1:8000/a/b.html")
    assert links.follow == [
        "http://127.0.0.1:8000/world/",
        "http://127.0.0.1:8000/sport/",
        "http://127.0.0.1:8000/2024/05/one-story.html",
        "https://other.example/x",
        "http://127.0.0.1:8000/map-target",
    ]
    # Same-host links with headline-like text; the nav's short labels, in-page and off-site
    # links don't count.
    assert links.headlines == {
        "A long teaser headline for the first story",
        "A long teaser headline, again",
    }


def test_base_href_decides_where_relative_links_go() -> None:
    html = PAGE.format(body="x").replace("<head>", '<head><base href="https://origin.example/">')
    links = read_links(parse_html(html, 1_000_000), "http://127.0.0.1:8000/a/b.html")
    assert "https://origin.example/world/" in links.follow
    assert not any(u.startswith("http://127.0.0.1") for u in links.follow)


def test_read_page_returns_links_collected_before_chrome_is_pruned() -> None:
    body = "A sentence of article text that is long enough to count as a body. " * 10
    reading = read_page(PAGE.format(body=body), "http://127.0.0.1:8000/2024/05/story.html")
    # The <nav> is pruned as chrome, but its links are still followed.
    assert "http://127.0.0.1:8000/world/" in reading.links
