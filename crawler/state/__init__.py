"""Incremental state between runs: which articles were delivered, and the run's files.

``store_for(crawler)`` opens the configured store once per crawl (taking its lock and
recovering the leftovers of dead runs) and hands the same object to every component.
"""

from __future__ import annotations

import logging
from typing import Any
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object

from crawler.delivery import state_failed
from crawler.state.store import (
    ArticleState,
    KnownArticle,
    StateStore,
    StateStoreError,
    StateWriteError,
)

__all__ = [
    "ArticleState",
    "KnownArticle",
    "StateStore",
    "StateStoreError",
    "StateWriteError",
    "store_for",
]

logger = logging.getLogger(__name__)

_STORES: WeakKeyDictionary[Crawler, StateStore | None] = WeakKeyDictionary()


def store_for(crawler: Crawler) -> StateStore | None:
    """The crawl's state store; None when disabled or when it could not be opened.

    When it cannot be opened the reason is put in the ``run/startup_error`` stat: the spider
    then makes no request and the run exits non-zero.
    """
    if crawler in _STORES:
        return _STORES[crawler]
    store = _open(crawler) if crawler.settings.getbool("NEWS_STATE_ENABLED") else None
    _STORES[crawler] = store
    return store


def _open(crawler: Crawler) -> StateStore | None:
    backend: Any = load_object(crawler.settings.get("NEWS_STATE_BACKEND"))
    try:
        if hasattr(backend, "from_crawler"):
            store: StateStore = backend.from_crawler(crawler)
        else:
            store = backend(crawler.settings.get("NEWS_STATE_PATH"))
        report = store.recover()
    except (StateWriteError, OSError) as exc:
        # A write the store could not make (disk full, read-only, I/O error): an output
        # failure (exit status 74), and nothing is crawled.
        state_failed(crawler, exc, stop=False)
        assert crawler.stats is not None
        crawler.stats.set_value("run/startup_error", f"state store unusable: {exc}")
        return None
    except StateStoreError as exc:
        logger.error("state store unusable: %s", exc)
        assert crawler.stats is not None
        crawler.stats.set_value("run/startup_error", f"state store unusable: {exc}")
        return None
    for path in report.delivered:
        logger.warning("recovered the output of a killed run: %s", path)
    for path in report.discarded:
        logger.warning("discarded the partial output of a killed run: %s", path)
    for path in report.lost:
        logger.error("a committed output file of a killed run is missing: %s", path)
    return store


def close_store(crawler: Crawler) -> None:
    """Close the crawl's store (at the very end of the run)."""
    store = _STORES.pop(crawler, None)
    if store is not None:
        store.close()
