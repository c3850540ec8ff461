"""``scrapy parse --spider news URL``: the item that page yields, as a crawl would export it.

Scrapy's own command prints what the callback returns; the news spider's callback returns
the raw page, which the item pipelines read, clean and validate. This one sends each page
through the pipelines and prints the resulting article (every field), or logs why it was
dropped (a listing page, a reject and its reason). Nothing is written: no feed, no state, no
summary or report.

Without ``-a start_urls`` or ``-a sites=FILE``, the URL's own host is the site (the address
policy still applies: only that host). With ``-a sites=FILE`` the page is read under its
site's rules (language, timezone, prune, extraction rules).
"""

from __future__ import annotations

import argparse
import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.commands.parse import Command as ScrapyParse
from scrapy.exceptions import DropItem
from scrapy.http import Request
from scrapy.spiders import Spider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred

from crawler.commands.fetch import NOTHING_WRITTEN, set_over_project
from crawler.exitcodes import ExitCode
from crawler.incremental import IncrementalFilter
from crawler.items import ArticleItem, exported
from crawler.spiders.news import NewsSpider

logger = logging.getLogger(__name__)


class Command(ScrapyParse):
    """Scrapy's parse command, with the items taken through the pipelines."""

    # Over the project's settings (a -s on the command line still wins).
    parse_settings = {
        **NOTHING_WRITTEN,
        # Links come back as the callback's requests (followed up to --depth), not from the
        # reader's worker straight into the scheduler.
        "NEWS_LINKS_FROM_READER": False,
        # One page: no holding it back until the site's template is learned.
        "NEWS_TEMPLATE_HOLD_PAGES": 0,
    }

    def short_desc(self) -> str:
        return "Parse URL with the news spider and print the article it yields (all fields)"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        spargs = opts.spargs
        if args and not (spargs.get("start_urls") or spargs.get("sites")):
            parts = urlsplit(args[0])
            if parts.scheme in ("http", "https") and parts.netloc:
                spargs["start_urls"] = f"{parts.scheme}://{parts.netloc}/"
        opts.pipelines = False  # the items go through the pipelines here, not in Scrapy's
        assert self.settings is not None
        set_over_project(self.settings, self.parse_settings)

    def prepare_request(
        self, spider: Spider, request: Request, opts: argparse.Namespace
    ) -> Request:
        """The news spider's callback takes the page's site by name."""
        if isinstance(spider, NewsSpider) and "site_name" not in request.cb_kwargs:
            site = spider.site_for(request.url)
            if site is None:
                logger.error(
                    "%s is on none of the sites named (-a sites / start_urls)", request.url
                )
                self.exitcode = ExitCode.USAGE
            else:
                request.cb_kwargs["site_name"] = site.name
            # Its start() is replaced by the parse command's: no state store, nothing known.
            spider.incremental = IncrementalFilter(None, self.pcrawler.stats)
        return super().prepare_request(spider, request, opts)

    def scraped_data(self, args: tuple[Any, ...]) -> Any:
        items, requests, opts, depth, spider, callback = args
        d: Deferred[list[Any]] = deferred_from_coro(self._through_pipelines(items))
        d.addCallback(
            lambda read: ScrapyParse.scraped_data(
                self, (read, requests, opts, depth, spider, callback)
            )
        )
        return d

    async def _through_pipelines(self, items: list[Any]) -> list[Any]:
        """Each item as the pipelines leave it; dropped ones are logged, not printed."""
        assert self.pcrawler.engine is not None
        itemproc = self.pcrawler.engine.scraper.itemproc
        read = []
        for item in items:
            try:
                done = await itemproc.process_item_async(item)
                # As the feed has it: without the fields the stages hand each other.
                read.append(exported(done) if isinstance(done, ArticleItem) else done)
            except DropItem as exc:
                logger.warning("%s: dropped by the pipelines: %s", item.get("url"), exc)
        return read
