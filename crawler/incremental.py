"""Which article requests a scheduled run still needs, decided before they are scheduled.

An article URL a previous run delivered is not requested again, unless its sitemap
``lastmod`` or feed date is later than our last fetch: then it is revalidated with a
conditional GET (If-None-Match / If-Modified-Since), and a 304 means nothing changed.

The same URL arrives several times in a run (a listing link without a date, a sitemap entry,
a feed entry) in an order the network decides. A skip is therefore never final: the filter
remembers the URLs it skipped, answers their undated repeats from memory, and looks again
whenever a later arrival brings a date, so the newest evidence wins whatever the order.
"""

from __future__ import annotations

from datetime import datetime

import scrapy
from scrapy.statscollectors import StatsCollector

from crawler.canonical import url_key
from crawler.discovery import parse_date
from crawler.state import KnownArticle, StateStore

# Request meta keys.
REVALIDATE_META = "news_revalidate"  # the request is a conditional GET of a known article


class IncrementalFilter:
    """Drops (counted) or turns into conditional GETs the requests of already known articles."""

    def __init__(self, store: StateStore | None, stats: StatsCollector) -> None:
        self.store = store
        self.stats = stats
        # The known articles skipped so far in this run, by url_key.
        self._skipped: dict[str, KnownArticle] = {}

    def admit(self, request: scrapy.Request, changed: datetime | None) -> scrapy.Request | None:
        """The request to send for a candidate article page, or None when it is known and
        ``changed`` (sitemap lastmod, feed date; None for a listing link) is no later than
        the last fetch. A None may be overturned by a later call for the same URL with a date.
        """
        if self.store is None:
            return request
        key = url_key(request.url)
        known = self._skipped.get(key) or self.store.seen(key)
        if known is None:
            return request
        fetched = parse_date(known.last_seen)
        if changed is None or fetched is None or changed <= fetched:
            if key not in self._skipped:
                self._skipped[key] = known
                self.stats.inc_value("incremental/skipped_known")
            return None
        self._skipped.pop(key, None)
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
