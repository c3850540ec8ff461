"""Which article requests a scheduled run still needs, decided before they are scheduled.

An article URL a previous run delivered is not requested again, unless its sitemap
``lastmod`` or feed date is later than our last fetch: then it is revalidated with a
conditional GET (If-None-Match / If-Modified-Since), and a 304 means nothing changed.
"""

from __future__ import annotations

from datetime import datetime

import scrapy
from scrapy.statscollectors import StatsCollector

from crawler.canonical import url_key
from crawler.discovery import parse_date
from crawler.state import StateStore

# Request meta keys.
REVALIDATE_META = "news_revalidate"  # the request is a conditional GET of a known article


class IncrementalFilter:
    """Drops (counted) or turns into conditional GETs the requests of already known articles."""

    def __init__(self, store: StateStore | None, stats: StatsCollector) -> None:
        self.store = store
        self.stats = stats

    def admit(self, request: scrapy.Request, changed: datetime | None) -> scrapy.Request | None:
        """The request to send for a candidate article page, or None when it is known."""
        if self.store is None:
            return request
        known = self.store.seen(url_key(request.url))
        if known is None:
            return request
        fetched = parse_date(known.last_seen)
        if changed is None or fetched is None or changed <= fetched:
            self.stats.inc_value("incremental/skipped_known")
            site = request.cb_kwargs.get("site_name")
            if site:  # per site: a known article the site still links (crawler.health)
                self.stats.inc_value(f"incremental/skipped_known/{site}")
            return None
        self.stats.inc_value("incremental/revalidated")
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        request.headers.update(headers)
        request.meta[REVALIDATE_META] = True
        request.meta["handle_httpstatus_list"] = [304]
        return request
