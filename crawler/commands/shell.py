"""``scrapy shell URL``: Scrapy's shell, with the URL's origin named (crawler.commands.fetch).

Other URLs fetched from inside the shell stay under the address policy as in a crawl.
"""

from __future__ import annotations

import argparse

from scrapy.commands.shell import Command as ScrapyShell

from crawler.commands.fetch import NOTHING_WRITTEN, name_the_url, set_over_project


class Command(ScrapyShell):
    """Scrapy's shell; the URL on its command line counts as named by the user."""

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        set_over_project(self.settings, NOTHING_WRITTEN)
        name_the_url(self.settings, args)
