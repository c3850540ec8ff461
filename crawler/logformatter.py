"""Log lines that name the page, not the whole item (items carry full HTML and text)."""

from __future__ import annotations

from typing import Any

from scrapy import logformatter


def _url(item: Any) -> str:
    try:
        return str(item.get("url"))
    except AttributeError:
        return repr(item)[:200]


def _args(result: logformatter.LogFormatterResult) -> dict[str, Any]:
    """The message's arguments (Scrapy's item messages take them as a dict)."""
    args = result["args"]
    return args if isinstance(args, dict) else {}


class NewsLogFormatter(logformatter.LogFormatter):
    """Scrapy's formatter with items shown by URL."""

    def scraped(self, item: Any, response: Any, spider: Any) -> logformatter.LogFormatterResult:
        result = super().scraped(item, response, spider)
        result["args"] = {**_args(result), "item": _url(item)}
        return result

    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> logformatter.LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        return result

    def item_error(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> logformatter.LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        result["args"] = {**_args(result), "item": _url(item)}
        return result
