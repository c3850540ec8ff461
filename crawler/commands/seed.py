"""``scrapy seed``: validate start URLs and put them, with their sites, in the shared Redis crawl.

    scrapy seed -a start_urls=https://a.example/,https://b.example/ [-a max_pages=N] [--reset]

It runs the spider's own start logic against the Redis scheduler and stops before fetching
anything, so what is seeded is exactly what ``scrapy crawl news -a start_urls=...`` would start
from; the sites (their allowed hosts) are stored in Redis for every worker.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from crawler.commands.crawl import Command as CrawlCommand
from crawler.distributed.connection import RetryPolicy, open_redis, redis_url
from crawler.distributed.frontier import Frontier
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.preflight import check_redis
from crawler.spiders.arguments import SpiderArgumentError, parse_arguments

if TYPE_CHECKING:
    import argparse


class Command(CrawlCommand):
    """Seeds the shared frontier; never fetches a page."""

    def syntax(self) -> str:
        return "[options] [spider]"

    def short_desc(self) -> str:
        return "Validate start URLs and queue them in the shared Redis crawl"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the crawl's queue, seen set, leases and sites first (a fresh crawl)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            args.append("news")
        super().process_options(args, opts)
        assert self.settings is not None
        if not redis_url(self.settings):
            self._fail("error: scrapy seed needs NEWS_REDIS_URL (or the REDIS_URL variable)")
        try:
            parse_arguments(dict(opts.spargs))
        except SpiderArgumentError as exc:
            self._fail(f"error: {exc}")
        self.settings.set("NEWS_REDIS_SEED_ONLY", True, priority="cmdline")
        self.settings.set("NEWS_DEFAULT_FEED", "", priority="cmdline")
        self.settings.set("FEEDS", {}, priority="cmdline")
        # Nothing is fetched, so nothing to read, and no run for the state store to record.
        self.settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        self.settings.set("NEWS_STATE_ENABLED", False, priority="cmdline")

    def _check_redis(self, opts: argparse.Namespace) -> None:
        """Redis must answer and let this user write the sites registry; the sites come from
        the command line (checked after this)."""
        assert self.settings is not None
        failure = check_redis(self.settings, own_sites=True, seeding=True)
        if failure is not None:
            print(failure.message, file=sys.stderr)
            sys.exit(failure.exit_code)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None and self.crawler_process
        if opts.reset:
            keys = CrawlKeys(self.settings.get("NEWS_REDIS_PREFIX"))
            policy = RetryPolicy(give_up=self.settings.getfloat("NEWS_REDIS_SOCKET_TIMEOUT"))
            server, guard = open_redis(self.settings, policy=policy)
            deleted = Frontier(server, keys, guard).reset()
            print(f"reset crawl {keys.prefix!r}: {deleted} keys deleted", file=sys.stderr)
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        if self.crawler_process.bootstrap_failed or stats.get("finish_reason") != "finished":
            print(f"seeding failed ({stats.get('finish_reason')})", file=sys.stderr)
            self.exitcode = 1
            return
        queued = stats.get("scheduler/enqueued/redis", 0)
        print(f"seeded {queued} new start requests", file=sys.stderr)
