"""robots.txt as RFC 9309 reads it: unreachable (5xx, timeout) means "disallow all".

Scrapy's RobotsTxtMiddleware parses an error page as robots.txt (so a 503 allows everything)
and allows everything when the download fails. Here a 5xx answer or a failed download
disallows the whole site for this run, a 4xx answer allows it, and only the first
NEWS_ROBOTSTXT_MAX_BYTES of the file are parsed.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from crawler.addresspolicy import policy_refusal

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsUnavailable(IgnoreRequest):
    """The site's robots.txt answered 5xx or could not be fetched: the site is off this run.

    Unlike a page robots.txt disallows, this counts as a failed request of the site, so a site
    that is down fails the run (crawler.outcome).
    """


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's answers to errors and a size cap."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("NEWS_ROBOTSTXT_MAX_BYTES")
        self._unavailable: set[str] = set()

    def process_request_2(self, rp: Any, request: Request) -> None:
        if urlparse_cached(request).netloc in self._unavailable:
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsUnavailable("robots.txt unavailable: site disallowed for this run")
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Request) -> Any:
        """Scrapy's, minus the traceback it logs when robots.txt cannot be fetched."""
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            url = urlparse_cached(request)
            robots_request = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots_request)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        body = response.body
        if response.status >= 500:
            self._note(netloc, "disallow_all/5xx", "robots.txt answered %s", response.status)
            body = DISALLOW_ALL
        elif response.status >= 400:
            self._stats.inc_value("robotstxt/allow_all/4xx")
            body = b""
        elif len(body) > self.max_bytes:
            self._stats.inc_value("robotstxt/truncated")
            body = body[: self.max_bytes]
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if policy_refusal(exc, f"http://{netloc}/") is not None:
            # The page itself is refused by the same policy; nothing to decide here.
            super()._robots_error(exc, netloc)
            return
        self._note(netloc, "disallow_all/error", "robots.txt unreachable (%s)", exc)
        rp = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = rp
        if isinstance(pending, Deferred):
            pending.callback(rp)

    def _note(self, netloc: str, key: str, message: str, arg: Any) -> None:
        self._unavailable.add(netloc)
        self._stats.inc_value(f"robotstxt/{key}")
        logger.warning("%s: " + message + "; disallowing the site for this run", netloc, arg)
