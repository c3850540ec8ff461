"""A DNS resolver that refuses forbidden addresses at connect time (SSRF guard).

The address policy checks URLs; this checks what a host name actually resolves to, so a
public-looking name pointing at 127.0.0.1 or 169.254.169.254 is refused too. Host names the
user named (start URLs, sites file) are exempt: a demo portal may live on localhost.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.addresspolicy import crawl_origins, forbidden_reason, named_url_origins

logger = logging.getLogger(__name__)


class AddressRefused(DNSLookupError):
    """The host resolved to a forbidden address (a DNSLookupError, so Twisted stays quiet)."""


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver; a forbidden result fails with AddressRefused.

    Scrapy builds the resolver once per process, from the CrawlerProcess: the named hosts are
    read from the process's running crawlers at lookup time.
    """

    process: Any = None
    # host -> (reason, detail) of recent refusals, for the middleware and the rejects file.
    refused: LocalCache[str, tuple[str, str]]

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.process = crawler
        resolver.refused = LocalCache(10_000)
        return resolver

    def named_hosts(self) -> set[str]:
        # The process's own settings too: ``scrapy shell`` runs a crawler outside ``crawlers``.
        origins = named_url_origins(self.process.settings) if self.process is not None else set()
        for crawler in getattr(self.process, "crawlers", None) or ():
            origins |= crawl_origins(crawler)
        return {urlsplit(f"//{origin}").hostname or origin for origin in origins}

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        d = super().getHostByName(name, timeout)
        if name.lower() in self.named_hosts():
            return d
        d.addCallback(self._check, name)
        return d

    def _check(self, address: str, name: str) -> str:
        reason = forbidden_reason(ipaddress.ip_address(address))
        if reason is not None:
            detail = f"{name} resolves to {address}"
            self.refused[name.lower()] = (reason, detail)
            logger.info("refused (%s): %s", reason, detail)
            raise AddressRefused(detail)
        return address
