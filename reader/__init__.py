"""How to read a page: pure functions over the decoded HTML, no Scrapy and no ``crawler`` here.

``read_page`` (HTML + URL + ``ReadOptions`` in, a ``PageReading`` out) is the one entry point:
the crawl's worker processes, ``scrapy evaluate``, the bench and the tools all call it, so a
saved HTML file alone is enough to test reading.

Imports inside the package run one way (tests/test_import_graph.py checks there is no cycle):
text measures, CJK ranges, URLs and structured data at the bottom; the metadata concerns
(titles, people, dates, published, language) on them; the tree and line cleaning (rules, dom,
bylines, lines) and the main-block and link readers on those; ``page`` on top.
"""

from __future__ import annotations

from reader.page import PageReading, ReadOptions, read_page

__all__ = ["PageReading", "ReadOptions", "read_page"]
