"""Held-out portal templates build, serve decodable pages and carry consistent truth.

No crawler here: only the builder, the loopback server and urllib.
"""

from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from w3lib.encoding import html_to_unicode

from demo.builder import build_portal
from demo.corpus import load_corpus
from demo.server import PortalServer
from demo.templates import HELD_OUT_TEMPLATES, TEMPLATES

NAMES = sorted(HELD_OUT_TEMPLATES)
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Visible(HTMLParser):
    """Text a reader sees: everything outside head, script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"head", "script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"head", "script", "style"}:
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return squash("".join(parser.parts))


def test_held_out_names_are_separate_from_demo_templates() -> None:
    assert set(NAMES) == {"zh_people", "zh_portal_163", "en_wire", "en_local"}
    assert not set(NAMES) & set(TEMPLATES)


@pytest.mark.parametrize("name", NAMES)
def test_held_out_portal_has_every_kind_of_page(name: str) -> None:
    portal = build_portal(
        name, "http://127.0.0.1:9", partner_links=[("p", "https://www.example-partner.com/x")]
    )
    truth, t = portal.truth, portal.template
    assert len(truth.articles) >= 12
    assert any(t.section_path(s, 2) in u for s in t.sections for u in truth.listings)
    art = portal.articles[0]
    assert portal.url(t.tag_path(art.tags[0])) in truth.listings
    assert portal.url(t.author_path(art.authors[0])) in truth.listings
    assert truth.disallowed and truth.media
    hosts = {urlsplit(u).netloc for u in truth.external_links}
    assert "127.0.0.1:9" not in hosts and len(hosts) >= 3
    assert "https://www.example-partner.com/x" in truth.external_links
    for expected in truth.articles.values():
        assert OFFSET.match(expected.published), expected.published
        assert expected.paragraphs and expected.chrome


def test_article_url_shapes_differ_from_every_other_template() -> None:
    shapes = {
        name: re.sub(
            r"\d+", "N", urlsplit(next(iter(build_portal(name, "http://h").truth.articles))).path
        )
        for name in [*TEMPLATES, *NAMES]
    }
    assert len(set(shapes.values())) == len(shapes), shapes


@pytest.mark.parametrize("name", NAMES)
def test_truth_matches_what_the_page_shows(name: str) -> None:
    template = HELD_OUT_TEMPLATES[name]
    portal = build_portal(name, "http://127.0.0.1:9", articles=load_corpus(template.language))
    for url, expected in portal.truth.articles.items():
        body, ctype = portal.lookup(urlsplit(url).path) or (b"", "")
        _, page = html_to_unicode(ctype, body)
        shown = visible(page)
        text = squash("".join(expected.paragraphs))
        assert squash(expected.title) in shown, url
        missing = [p[:30] for p in expected.paragraphs if squash(p) not in shown]
        assert not missing, (url, missing)
        leaked = [c for c in expected.chrome if squash(c) and squash(c) in text]
        assert not leaked, (url, leaked)
        unseen = [c for c in expected.chrome if squash(c) not in shown]
        assert not unseen, (url, unseen)


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.headers.get("Content-Type", ""), resp.read()


@pytest.mark.parametrize("name", NAMES)
def test_served_pages_decode(portal_server: PortalServer, name: str) -> None:
    portal = portal_server.serve(name)
    t = portal.template
    urls = [portal.start_url, *portal.truth.listings[:6], *list(portal.truth.articles)[:6]]
    for url in urls:
        ctype, body = fetch(url)
        encoding, text = html_to_unicode(ctype, body)
        assert "\ufffd" not in text, (url, encoding)
        assert body == t.encode(text), (url, encoding)
        if url in portal.truth.articles:
            assert portal.truth.articles[url].title in text
    ctype, robots = fetch(portal.url("/robots.txt"))
    rules = re.findall(r"^Disallow: (\S+)", robots.decode(), re.M)
    for url in portal.truth.disallowed:
        assert any(urlsplit(url).path.startswith(rule) for rule in rules), url
