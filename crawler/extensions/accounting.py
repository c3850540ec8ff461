"""Page accounting: every fetched page ends as exactly one article, listing page or reject.

``pages/fetched`` (counted by the spider, one PageItem per response that reached it, error
statuses included) must equal ``pages/article + pages/listing + pages/rejected +
pages/unchanged`` (unchanged: delivered by an earlier run) at the end of a finished run. Requests that ended without a page are ``requests/failed``; they, like
rejected pages, are listed in the rejects file. The run's last log lines show the sums.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.drops import NotAnArticle, Unchanged
from crawler.items import ArticleItem, PageItem
from crawler.signals import request_rejected

logger = logging.getLogger(__name__)


class PageAccounting:
    """Counts each page's outcome and checks at the end that the counts add up."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageAccounting:
        if not crawler.settings.getbool("NEWS_ACCOUNTING_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, ArticleItem):
            self.stats.inc_value("pages/article")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(exception, NotAnArticle):
            kind = "listing"
        elif isinstance(exception, Unchanged):
            kind = "unchanged"  # delivered by an earlier run, not exported again
        else:
            kind = "rejected"
        self.stats.inc_value(f"pages/{kind}")

    def item_error(self, item: Any, failure: Any) -> None:
        """A pipeline crashed on the page: it is rejected, never silently lost."""
        if not isinstance(item, (PageItem, ArticleItem)):
            return
        self.stats.inc_value("pages/rejected")
        self.stats.inc_value("pages/pipeline_error")
        self.crawler.signals.send_catch_log(
            request_rejected,
            url=item.get("url"),
            reason="pipeline error",
            details={"error": failure.getErrorMessage()[:300]},
        )

    def request_dropped(self, request: Any) -> None:
        """A redirect hop to a URL already requested (a loop, or a page fetched anyway)."""
        self.stats.inc_value("requests/dropped_duplicate")
        if request.meta.get("redirect_times"):
            self.stats.inc_value("requests/failed")
            self.stats.inc_value("requests/failed/redirect to an already requested URL")
            self.crawler.signals.send_catch_log(
                request_rejected,
                url=(request.meta.get("redirect_urls") or [request.url])[0],
                reason="redirect to an already requested URL",
                details={"target": request.url},
            )

    def spider_closed(self, spider: Any, reason: str) -> None:
        get = self.stats.get_value
        fetched = get("pages/fetched", 0)
        kinds = ("article", "listing", "rejected", "unchanged")
        outcomes = {k: get(f"pages/{k}", 0) for k in kinds}
        missing = fetched - sum(outcomes.values())
        self.stats.set_value("pages/unaccounted", missing)
        logger.info(
            "pages: %d fetched = %d articles + %d listing pages + %d rejected + %d unchanged%s; "
            "%d requests failed without a page",
            fetched,
            outcomes["article"],
            outcomes["listing"],
            outcomes["rejected"],
            outcomes["unchanged"],
            f" (+{missing} unaccounted: run {reason})" if missing else "",
            get("requests/failed", 0),
        )
