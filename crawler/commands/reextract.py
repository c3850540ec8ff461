"""``scrapy reextract PATH... -O items.jsonl``: the crawl's reading, cleaning, deduplication,
validation and export, run over archived pages (WARC files or folders) instead of the web."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from crawler.exitcodes import ExitCode
from crawler.outcome import stopped_outcome
from crawler.spiders.arguments import SpiderArgumentError
from crawler.spiders.reextract import ReextractSpider
from crawler.workerserver import start_fork_server

if TYPE_CHECKING:
    import argparse


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <WARC file or folder>..."

    def short_desc(self) -> str:
        return "Read archived pages (WARC) into articles, as a crawl would, without fetching"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if not args:
            raise UsageError("give one or more WARC files or folders")
        opts.spargs["paths"] = list(args)
        try:
            ReextractSpider.check_arguments(dict(opts.spargs))
        except SpiderArgumentError as exc:
            self._fail(f"error: {exc}")
        start_fork_server()

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(ReextractSpider.name)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = ExitCode.FAILED
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        code, reason = _outcome(stats)
        if reason:
            print(f"reextract failed: {reason}", file=sys.stderr)
        self.exitcode = int(code)

    def _fail(self, message: str) -> NoReturn:
        print(message, file=sys.stderr)
        sys.exit(ExitCode.USAGE)


def _outcome(stats: dict[str, object]) -> tuple[ExitCode, str | None]:
    """A crawl's failures (output write, early stop, start-up), or 1 when nothing was read."""
    stopped = stopped_outcome(stats)
    if stopped is not None:
        return stopped.code, stopped.reason
    if not stats.get("reextract/records") and not stats.get("reextract/inputs_already_done"):
        return ExitCode.FAILED, "no WARC record was read"
    return ExitCode.OK, None
