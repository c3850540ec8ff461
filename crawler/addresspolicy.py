"""Which network addresses and origins the crawl may contact (SSRF guard).

A crawl only reaches the origins the user named (start URLs, sites file) and public addresses.
Private, loopback, link-local (incl. the 169.254.169.254 cloud metadata service), multicast,
reserved and unspecified addresses, IPv4 or IPv6 (incl. IPv4-mapped IPv6), are refused unless
the exact origin was named by the user: that is how a crawl of a portal on 127.0.0.1 works.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.run import run_context
from crawler.sites import origin_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

ALLOWED_SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PolicyRefused(IgnoreRequest):
    """A request the address policy refuses; ``reason`` is a short, stat-friendly name."""

    def __init__(self, reason: str, url: str, detail: str = "") -> None:
        super().__init__(f"refused ({reason}): {url}" + (f" ({detail})" if detail else ""))
        self.reason = reason
        self.url = url
        self.detail = detail


def policy_refusal(exc: BaseException | None, url: str) -> PolicyRefused | None:
    """Why ``exc`` (a failed request for ``url``) is a refusal of the policy, if it is one.

    The resolver's refusals reach the downloader as an anonymous "DNS lookup failed"; the
    resolver remembers the refused hosts, so the reason is found again here.
    """
    if isinstance(exc, PolicyRefused):
        return exc
    host = urlsplit(url).hostname or ""
    detail = resolver_refusal(host) if "DNS lookup failed" in str(exc) else None
    if detail is None:
        return None
    return PolicyRefused(detail[0], url, detail[1])


def resolver_refusal(host: str) -> tuple[str, str] | None:
    """(reason, detail) when the installed resolver (``crawler.resolver.PolicyResolver``, which
    records its refusals) refused ``host``, else None."""
    reactor = sys.modules.get("twisted.internet.reactor")  # never install one by importing
    refused = getattr(getattr(reactor, "resolver", None), "refused", None)
    return refused.get(host.lower()) if refused is not None else None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why the crawl must not connect to ``address`` (e.g. "loopback address"), or None."""
    mapped = getattr(address, "ipv4_mapped", None) or getattr(address, "sixtofour", None)
    if mapped is not None:
        return forbidden_reason(mapped)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not global", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return f"{name} address"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address when ``host`` is an IP literal ("127.0.0.1", "::1", "[::1]"), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def named_url_origins(settings: BaseSettings) -> set[str]:
    """Origins of NEWS_NAMED_URLS (the URL of ``scrapy fetch``, ``view`` or ``shell``)."""
    return {origin_of(url) for url in settings.getlist("NEWS_NAMED_URLS")}


def crawl_origins(crawler: Crawler) -> set[str]:
    """The named origins of a crawler's run: its sites' and NEWS_NAMED_URLS'."""
    return run_context(crawler).origins() | named_url_origins(crawler.settings)


def same_site_variant(url: str, origins: set[str]) -> bool:
    """True for the hops a site makes to itself: http->https and adding/dropping "www."."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if origin_of(url) != host:  # an explicit non-default port is never a variant
        return False
    bare = host.removeprefix("www.")
    # Only origins on default ports have variants: "host:8080" says exactly where to go.
    return any(o.removeprefix("www.") == bare for o in origins if ":" not in o)


def check_url(url: str, origins: set[str]) -> None:
    """Raise PolicyRefused unless the crawl may request ``url``.

    Named origins pass. Anything else must be a same-site variant (http->https, www.) whose
    host is not a forbidden IP literal; its resolved address is then checked at connect time
    by the DNS resolver (crawler.resolver.PolicyResolver).
    """
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise PolicyRefused("scheme", url, parts.scheme)
    if origin_of(url) in origins:
        return
    address = literal_address(parts.hostname or "")
    if address is not None:
        reason = forbidden_reason(address)
        if reason is not None:
            raise PolicyRefused(reason, url)
    if not same_site_variant(url, origins):
        raise PolicyRefused("offsite", url)
