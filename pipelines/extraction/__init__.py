"""How to read a page: pure functions over the decoded HTML, no Scrapy in here.

``read_page`` is what the crawl's worker processes and ``scrapy evaluate`` both call, so a
saved HTML file alone is enough to test extraction.
"""

from pipelines.extraction.page import PageReading, ReadOptions, read_page

__all__ = ["PageReading", "ReadOptions", "read_page"]
