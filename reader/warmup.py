"""Imported once by the worker pool's fork server, before it forks any worker.

Reading one small page here builds what trafilatura builds lazily on its first page (jusText's
stop lists for every language, about a tenth of a second); every worker forked afterwards
inherits it, including the replacements the pool forks on its schedule. ``gc.freeze`` then
keeps these long-lived objects out of the workers' garbage collections, which would otherwise
scan them and copy their memory pages on write.
"""

from __future__ import annotations

import gc
import logging

from reader.page import ReadOptions, read_page

WARM_UP_PAGE = (
    "<html><head><title>Warm up</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><h1>Warm up</h1><p>This page is read once so the reader's tables are built "
    "before any worker starts.</p></article></body></html>"
)

try:
    read_page(WARM_UP_PAGE, "http://localhost/warm-up", ReadOptions())
except Exception:  # noqa: BLE001 - the fork server must start; workers then warm up alone
    logging.getLogger(__name__).exception("reader warm-up failed in the fork server")
gc.freeze()
