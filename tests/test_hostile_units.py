"""The hostile-web components on their own: address classes, the policy middleware with a real
crawler, settings defaults, short-page decoding, Retry-After, and the feed's line writer."""

from __future__ import annotations

import ipaddress
import json

import pytest
from scrapy import Request
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_crawler

from crawler.addresspolicy import PolicyRefused, check_url, forbidden_reason
from crawler.decoding import decode_html
from crawler.export import json_line
from crawler.middlewares.addresspolicy import AddressPolicyMiddleware
from crawler.middlewares.retry import retry_after_seconds
from crawler.spiders.news import NewsSpider


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback address"),
        ("127.0.0.2", "loopback address"),
        ("169.254.169.254", "link-local address"),
        ("10.1.2.3", "private address"),
        ("172.16.0.1", "private address"),
        ("192.168.1.1", "private address"),
        ("100.64.0.1", "not global address"),
        ("224.0.0.1", "multicast address"),
        ("0.0.0.0", "unspecified address"),
        ("240.0.0.1", "reserved address"),
        ("::1", "loopback address"),
        ("::", "unspecified address"),
        ("fe80::1", "link-local address"),
        ("fc00::1", "private address"),
        ("ff02::1", "multicast address"),
        ("::ffff:127.0.0.1", "loopback address"),
        ("::ffff:169.254.169.254", "link-local address"),
        ("2002:7f00:1::", "loopback address"),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_forbidden_address_classes(address: str, reason: str | None) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.2:8000/", "loopback address"),
        ("http://127.0.0.1:9000/", "loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address"),
        ("http://[::ffff:a9fe:a9fe]/", "link-local address"),
        ("http://[fd00::1]:8000/", "private address"),
        ("file:///etc/passwd", "scheme"),
        ("ftp://127.0.0.1:8000/", "scheme"),
        ("http://other.example/", "offsite"),
        ("http://news.example:8080/", "offsite"),
    ],
)
def test_middleware_refuses_links_to_forbidden_targets(url: str, reason: str) -> None:
    settings = get_project_settings().copy_to_dict()
    if not is_reactor_installed():  # another test of the session may have installed one
        settings["TWISTED_REACTOR_ENABLED"] = False
    crawler = get_crawler(NewsSpider, settings)
    crawler.spider = crawler._create_spider(
        start_urls="http://127.0.0.1:8000/,http://news.example/"
    )
    middleware = AddressPolicyMiddleware.from_crawler(crawler)
    with pytest.raises(PolicyRefused) as refused:
        middleware.process_request(Request(url))
    assert refused.value.reason == reason
    assert crawler.stats.get_value(f"policy/refused/{reason}") == 1


def test_named_origins_and_same_site_variants_pass() -> None:
    origins = {"127.0.0.1:8000", "news.example"}
    check_url("http://127.0.0.1:8000/a", origins)
    check_url("https://news.example/a", origins)
    check_url("https://www.news.example/a", origins)
    with pytest.raises(PolicyRefused):
        check_url("https://127.0.0.1/", origins)


def test_safe_defaults() -> None:
    settings = get_project_settings()
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    for scheme in ("file", "s3", "ftp", "data"):
        assert settings.getdict("DOWNLOAD_HANDLERS")[scheme] is None
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024
    assert 0 < settings.getfloat("DOWNLOAD_TIMEOUT") <= 60
    assert 0 < settings.getint("REDIRECT_MAX_TIMES") <= 10
    assert settings.getint("NEWS_MAX_PAGES_PER_SITE") > 0
    assert 0 < settings.getfloat("CLOSESPIDER_TIMEOUT") < 60 * 60
    assert settings.getbool("MEMUSAGE_ENABLED") and settings.getint("MEMUSAGE_LIMIT_MB") > 0
    assert settings.getbool("ROBOTSTXT_OBEY")


SHORT = {
    "gbk": "北京今天下雨。",
    "gb18030": "广州美食节开幕𠮷。",
    "big5": "臺北今日放晴。",
    "shift_jis": "東京は晴れです。",
    "euc-kr": "서울은 맑음.",
}


@pytest.mark.parametrize("mode", ["header", "meta", "none"])
@pytest.mark.parametrize("encoding", list(SHORT))
def test_short_cjk_pages_decode_right(encoding: str, mode: str) -> None:
    meta = f'<meta charset="{encoding}">' if mode == "meta" else ""
    page = f"<html><head>{meta}<title>{SHORT[encoding][:4]}</title></head><body><p>{SHORT[encoding]}</p></body></html>"
    decoded = decode_html(page.encode(encoding), encoding if mode == "header" else None)
    assert decoded.text == page, (decoded.encoding, decoded.how)


def test_western_text_under_latin1_header_is_kept() -> None:
    page = "<p>Informação sobre a eleição: não há ação; café crème à la façade.</p>"
    decoded = decode_html(page.encode("cp1252"), "iso-8859-1")
    assert decoded.text == page


def test_undecodable_mojibake_is_rejected_not_exported() -> None:
    body = bytes(range(0x80, 0x100)) * 4  # no encoding reads this as text
    decoded = decode_html(b"<p>" + body + b"</p>", "iso-8859-1")
    assert decoded.text is None
    assert decoded.reject in ("mojibake", "undecodable text", "binary content")


def test_retry_after_values() -> None:
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds(b"nonsense") is None
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_feed_line_is_one_valid_utf8_line() -> None:
    data = json_line(json.dumps({"t": "a\u2028b\u2029c\u0085d \ud800 e"}, ensure_ascii=False))
    assert data.count(b"\n") == 1 and data.endswith(b"\n")
    assert b"\xe2\x80\xa8" not in data
    assert json.loads(data)["t"] == "a\u2028b\u2029c\u0085d \ufffd e"
