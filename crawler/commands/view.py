"""``scrapy view URL``: Scrapy's view, with the URL's origin named (see crawler.commands.fetch)."""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands.view import Command as ScrapyView
from scrapy.http import Response

from crawler.commands.fetch import Command as Fetch


class Command(ScrapyView, Fetch):
    """Opens the page in a browser as Scrapy's view does; refusals are said as by fetch."""

    def _print_response(self, response: Response, opts: argparse.Namespace) -> Any:
        self.answered = True
        return ScrapyView._print_response(self, response, opts)
