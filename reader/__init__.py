"""How to read a page: pure functions over the decoded HTML, no Scrapy and no ``crawler`` here.

``read_page`` (HTML + URL + ``ReadOptions`` in, a ``PageReading`` out) is the one entry point:
the crawl's worker processes, ``scrapy evaluate``, the bench and the tools all call it, so a
saved HTML file alone is enough to test reading.

Imports inside the package run one way, in four layers (tests/test_import_graph.py checks
them and that there is no cycle): text measures, CJK ranges (``cjk``), class/id tokens, URLs,
structured data and the cleaning rules as data at the bottom; the metadata concerns on them
(``titles``, ``people``, ``published`` where dates are parsed, ``dates``, ``language``);
then the tree and line cleaning (``dom``, ``bylines``, ``lines``) and the page's parts
(``mainblock``, ``classify``, ``links``, ``siterules``) and the body's shape beside its
text (``markdown``, ``images``, ``shape``); ``page`` on top.
"""

from __future__ import annotations

from reader.page import PageReading, ReadOptions, read_page

__all__ = ["PageReading", "ReadOptions", "read_page"]
