"""How to read a page: pure functions over the decoded HTML, no Scrapy in here.

``read_page`` is what the crawl's worker processes and ``scrapy evaluate`` both call, so a
saved HTML file alone is enough to test extraction.

The names below load ``page`` on first use (PEP 562): ``page`` imports the cleaning rules,
which import ``metadata`` from this package, so an eager import here made importing
``pipelines.cleaning.lines`` first fail with a circular import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extraction.page import PageReading, ReadOptions, read_page

__all__ = ["PageReading", "ReadOptions", "read_page"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from pipelines.extraction import page

        return getattr(page, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
