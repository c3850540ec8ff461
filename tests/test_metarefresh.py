"""Meta-refresh redirects still work when the middleware skips decoding plain pages."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.metarefresh import CheapMetaRefreshMiddleware

URL = "https://news.example.com/old-story.html"
REFRESH = '<meta http-equiv="Refresh" content="0; url=/new-story.html">'


def _middleware() -> CheapMetaRefreshMiddleware:
    return CheapMetaRefreshMiddleware.from_crawler(get_crawler())


def _page(head: str, encoding: str = "utf-8", filler: int = 0) -> HtmlResponse:
    html = (
        f"<html><head><title>Story</title>{head}</head><body>{'<p>text</p>' * filler}</body></html>"
    )
    return HtmlResponse(URL, body=html.encode(encoding), encoding=encoding)


def test_a_meta_refresh_redirects() -> None:
    result = _middleware().process_response(Request(URL), _page(REFRESH))
    assert isinstance(result, Request)
    assert result.url == "https://news.example.com/new-story.html"


def test_a_meta_refresh_in_utf16_still_redirects() -> None:
    result = _middleware().process_response(Request(URL), _page(REFRESH, "utf-16"))
    # Scrapy's own check decides here (it appends the encoded BOM as a query: its quirk).
    assert isinstance(result, Request)
    assert result.url.startswith("https://news.example.com/new-story.html")


def test_a_plain_page_passes_without_being_decoded() -> None:
    page = _page("<meta charset=utf-8>", filler=20_000)
    assert _middleware().process_response(Request(URL), page) is page
    assert getattr(page, "_cached_ubody", None) is None  # response.text was never built


def test_refresh_beyond_the_checked_head_is_ignored_as_scrapy_does() -> None:
    # Scrapy reads only the first 4,096 characters; so does the cheap check (in bytes).
    late = "<p>x</p>" * 3000 + REFRESH
    page = HtmlResponse(URL, body=f"<html><body>{late}</body></html>".encode(), encoding="utf-8")
    assert _middleware().process_response(Request(URL), page) is page
