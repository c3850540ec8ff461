"""``scrapy fetch URL`` (and ``view``, ``shell``): the URL named on the command line is named.

The address policy lets a run reach only the origins the user named (crawler.addresspolicy),
and Scrapy's debugging commands run a spider that names none, so they got nothing. Here the
URL's own origin counts as named (NEWS_NAMED_URLS); a redirect to another origin or to a
private address is still refused, and the command says so on stderr instead of printing
nothing, and exits 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy import Request, signals
from scrapy.commands.fetch import Command as ScrapyFetch
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.url import guess_scheme
from w3lib.url import is_url

from crawler.exitcodes import ExitCode

NOTICE = f"{__name__}.FetchNotice"
SPIDER_PRIORITY = 30  # Scrapy's "spider" priority: over the project's, under the command line
# A debugging command writes nothing: no feed, state, template store, summary, report,
# progress or rejects.
NOTHING_WRITTEN = {
    "NEWS_DEFAULT_FEED": "",
    "NEWS_STATE_ENABLED": False,
    "NEWS_RUN_SUMMARY_ENABLED": False,
    "NEWS_RUN_REPORT_ENABLED": False,
    "NEWS_PROGRESS_ENABLED": False,
    "NEWS_REJECTS_ENABLED": False,
    "NEWS_OUTPUT_KEEP_DAYS": 0,
    "NEWS_TEMPLATE_STORE": "",
}


def set_over_project(settings: BaseSettings, values: dict[str, Any]) -> None:
    """``values`` over the project's settings; a ``-s`` on the command line still wins."""
    for name, value in values.items():
        if (settings.getpriority(name) or 0) <= SPIDER_PRIORITY:
            settings.set(name, value, priority=SPIDER_PRIORITY)


def name_the_url(settings: BaseSettings, args: list[str]) -> None:
    """Count the command line's URL as named by the user (besides any already named)."""
    url = guess_scheme(args[0]) if args else ""  # as fetch, view and shell read it
    if is_url(url):
        named = [*settings.getlist("NEWS_NAMED_URLS"), url]
        settings.set("NEWS_NAMED_URLS", named, priority="cmdline")


class FetchNotice:
    """Says on stderr why the command's URL gave no response (a refused redirect, a failed
    download): Scrapy's fetch prints nothing then, and ``--nolog`` hides the log's reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.last_url: str | None = None
        self.answered = False
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchNotice:
        return cls(crawler)

    def request_scheduled(self, request: Request) -> None:
        self.last_url = request.url  # the command's URL, then each redirect hop

    def response_received(self, response: Response, request: Request) -> None:
        # robots.txt is downloaded past the scheduler: only scheduled requests count.
        self.answered = self.answered or request.url == self.last_url

    def spider_closed(self) -> None:
        if self.answered or self.last_url is None:
            return
        stats = self.stats.get_stats()
        refused = sorted(k.removeprefix("policy/refused/") for k in stats if "refused/" in k)
        failed = sorted(
            k.removeprefix("downloader/exception_type_count/")
            for k in stats
            if k.startswith("downloader/exception_type_count/")
        )
        if refused:
            why = f"refused by the address policy ({', '.join(refused)})"
        else:
            why = f"failed ({', '.join(failed)})" if failed else "no response"
        print(f"error: {self.last_url}: {why}", file=sys.stderr)


def add_notice(settings: BaseSettings) -> None:
    extensions = settings.getdict("EXTENSIONS")
    settings.set("EXTENSIONS", {**extensions, NOTICE: 0}, priority="cmdline")


class Command(ScrapyFetch):
    """Scrapy's fetch, with the URL's origin named and a refusal said on stderr."""

    answered = False

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        set_over_project(self.settings, NOTHING_WRITTEN)
        name_the_url(self.settings, args)
        add_notice(self.settings)

    def _print_response(self, response: Response, opts: argparse.Namespace) -> Any:
        self.answered = True
        return super()._print_response(response, opts)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        super().run(args, opts)
        if not self.answered and not self.exitcode:
            self.exitcode = ExitCode.FAILED
