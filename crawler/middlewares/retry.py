"""Retries with exponential backoff, honouring Retry-After (bounded).

Scrapy's RetryMiddleware retries at once, which hammers a failing server and ignores a 429's
Retry-After. Here the n-th retry waits NEWS_RETRY_BACKOFF_BASE * 2**(n-1) seconds (at most
NEWS_RETRY_BACKOFF_MAX), or the server's Retry-After when it gives one; a Retry-After longer
than NEWS_RETRY_AFTER_MAX is not waited for: the page is given up and counted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackoffSettings:
    base: float
    maximum: float
    retry_after_max: float

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> BackoffSettings:
        return cls(
            base=settings.getfloat("NEWS_RETRY_BACKOFF_BASE"),
            maximum=settings.getfloat("NEWS_RETRY_BACKOFF_MAX"),
            retry_after_max=settings.getfloat("NEWS_RETRY_AFTER_MAX"),
        )


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits before each retry (see the module docstring)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff = BackoffSettings.from_settings(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None and wait > self.backoff.retry_after_max:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            logger.info("not retrying %s: Retry-After %.0fs is too long", request.url, wait)
            return response
        retry = self._retry(request, f"{response.status}")
        if retry is None:
            return response
        await self._wait(retry, wait)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._wait(retry, None)
        return retry

    async def _wait(self, retry: Request, retry_after: float | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = retry_after
        if delay is None:
            delay = min(self.backoff.maximum, self.backoff.base * 2 ** (attempt - 1))
        if delay > 0:
            # Scrapy's stats add any number; its annotation says int.
            self.crawler.stats.inc_value("retry/waited_seconds", round(delay, 3))  # type: ignore[arg-type]
            await asyncio.sleep(delay)
