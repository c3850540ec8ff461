"""robots.txt as RFC 9309 reads it, failing closed: unreachable means "disallow all".

Scrapy's RobotsTxtMiddleware parses an error page as robots.txt (so a 503 allows everything)
and allows everything when the download fails. Here only a 2xx answer is parsed (its first
NEWS_ROBOTSTXT_MAX_BYTES) and a 4xx answer allows the whole site (the standard: no rules);
every other outcome disallows the whole site for this run, logged as a warning and counted
per site: a 5xx or other status, a timeout or reset, and a redirect the address policy
refuses (robots.txt moved to a host the user did not name: its rules cannot be read).

robots.txt is fetched once per site per run: the spider reads the ``Sitemap:`` lines from
this middleware's download (the ``robots_read`` signal) instead of fetching it again.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

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
from crawler.run import run_context
from crawler.signals import robots_read

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsUnavailable(IgnoreRequest):
    """The site's robots.txt could not be read (5xx, timeout, refused redirect...): the site
    is off this run.

    Unlike a page robots.txt disallows, this counts as a failed request of the site, so a site
    that is down fails the run (crawler.outcome).
    """


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with RFC 9309's answers to errors and a size cap."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_bytes = crawler.settings.getint("NEWS_ROBOTSTXT_MAX_BYTES")
        self.run = run_context(crawler)
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
                self._robots_error(exc, netloc, robots_request.url)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        body = response.body
        if len(body) > self.max_bytes:
            self._stats.inc_value("robotstxt/truncated")
            body = body[: self.max_bytes]
        if 200 <= response.status < 300:
            url = f"{urlparse_cached(request).scheme}://{netloc}/robots.txt"
            text = body.decode("utf-8", "replace")
            self.crawler.signals.send_catch_log(robots_read, url=url, text=text)
        elif 400 <= response.status < 500:
            self._stats.inc_value("robotstxt/allow_all/4xx")
            body = b""
        else:
            kind = "5xx" if response.status >= 500 else "status"
            self._note(netloc, kind, "robots.txt answered %s", response.status)
            body = DISALLOW_ALL
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc: Exception, netloc: str, robots_url: str = "") -> None:
        refused = policy_refusal(exc, robots_url)
        if refused is not None and urlsplit(refused.url).netloc == netloc:
            # The site itself is refused by the same policy; its pages are refused too.
            super()._robots_error(exc, netloc)
            return
        if refused is not None:
            self._note(netloc, "refused_redirect", "robots.txt redirected off the site (%s)", exc)
        else:
            self._note(netloc, "error", "robots.txt unreachable (%s)", exc)
        rp = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        pending = self._parsers[netloc]
        self._parsers[netloc] = rp
        if isinstance(pending, Deferred):
            pending.callback(rp)

    def _note(self, netloc: str, kind: str, message: str, arg: Any) -> None:
        """The site is off this run: a warning, and counts overall, by kind and per site."""
        self._unavailable.add(netloc)
        self._stats.inc_value(f"robotstxt/disallow_all/{kind}")
        for site in self._sites_at(netloc):
            self._stats.inc_value(f"robotstxt/disallow_all/site/{site}")
        logger.warning("%s: " + message + "; disallowing the site for this run", netloc, arg)

    def _sites_at(self, netloc: str) -> list[str]:
        """Names of the crawl's sites served from ``netloc`` (the netloc itself if none)."""
        origin = netloc.lower()
        names = [site.name for site in self.run.sites if origin in site.origins]
        return names or [netloc]
