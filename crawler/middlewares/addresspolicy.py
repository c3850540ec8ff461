"""Refuses requests the address policy forbids, on every hop: links, redirects, robots.txt."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.error import DNSLookupError

from crawler.addresspolicy import (
    PolicyRefused,
    check_url,
    crawl_origins,
    policy_refusal,
)

logger = logging.getLogger(__name__)


class AddressPolicyMiddleware:
    """Checks each request's URL before anything is sent (see crawler.addresspolicy).

    Runs first among the downloader middlewares, so a refused redirect hop never triggers a
    robots.txt fetch either. Refusals of the DNS resolver (crawler.resolver.PolicyResolver)
    arrive here as exceptions and are counted the same way.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressPolicyMiddleware:
        if not crawler.settings.getbool("NEWS_ADDRESS_POLICY_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        try:
            check_url(request.url, crawl_origins(self.crawler))
        except PolicyRefused as refused:
            self._count(refused)
            raise
        # A retry of a request the resolver refused: refuse it without asking again.
        refusal = policy_refusal(DNSLookupError("DNS lookup failed"), request.url)
        if refusal is not None:
            self._count(refusal)
            raise refusal

    def process_exception(self, request: Request, exception: Exception) -> Any:
        refused = policy_refusal(exception, request.url)
        if refused is not None and refused is not exception:
            self._count(refused)
            raise refused
        return None

    def _count(self, refused: PolicyRefused) -> None:
        self.stats.inc_value("policy/refused")
        self.stats.inc_value(f"policy/refused/{refused.reason}")
        logger.info("%s", refused)
