"""``scrapy crawl`` with a one-line error for bad arguments and an exit status cron can use."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import build_component_list
from scrapy.utils.python import global_object_name

from crawler.distributed.preflight import check_redis
from crawler.exitcodes import ExitCode
from crawler.outcome import crawl_sites, exit_outcome
from crawler.spiders.arguments import SpiderArgumentError
from crawler.workerserver import start_fork_server

if TYPE_CHECKING:
    import argparse


EXTRACTION_STAGE = "pipelines.extract.ExtractionPipeline"


def reads_pages(settings: BaseSettings) -> bool:
    """Whether the extraction stage is among the enabled item pipelines: only then is the
    fork server worth starting early (a crawl without it would start a reader for nothing)."""
    enabled = build_component_list(settings.getwithbase("ITEM_PIPELINES"))
    return any(
        (path if isinstance(path, str) else global_object_name(path)) == EXTRACTION_STAGE
        for path in enabled
    )


class Command(ScrapyCrawl):
    """Scrapy's crawl command; bad spider arguments and failed runs give a non-zero exit."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Check the spider's arguments before Scrapy starts logging: errors stay one line."""
        super().process_options(args, opts)
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. 'scrapy crawl news'")
        assert self.settings is not None
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            self._fail(f"error: no spider named {args[0]!r}")
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check(dict(opts.spargs), settings=self.settings)
            except SpiderArgumentError as exc:
                self._fail(f"error: {exc}")
        self._check_redis(opts)
        # The reader's fork server imports and warms the reader (most of a second) while
        # Scrapy sets up the crawl, so the workers are ready for the first page.
        if reads_pages(self.settings):
            start_fork_server()

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = ExitCode.FAILED
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcome = exit_outcome(stats, crawl_sites(crawler))
        if outcome.code is ExitCode.SITE_ALARM:
            print(f"site alarm: {outcome.reason}", file=sys.stderr)
        elif outcome.reason:
            print(f"crawl failed: {outcome.reason}", file=sys.stderr)
        self.exitcode = int(outcome.code)

    def _check_redis(self, opts: argparse.Namespace) -> None:
        """Redis mode: one line and an exit code when Redis is unusable (before any traceback
        a component connecting to it would print)."""
        assert self.settings is not None
        own_sites = bool(opts.spargs.get("start_urls") or opts.spargs.get("sites"))
        failure = check_redis(self.settings, own_sites)
        if failure is not None:
            print(failure.message, file=sys.stderr)
            sys.exit(failure.exit_code)

    def _fail(self, message: str) -> NoReturn:
        print(message, file=sys.stderr)
        sys.exit(ExitCode.USAGE)
