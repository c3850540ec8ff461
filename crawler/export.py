"""A JSON Lines exporter whose delivered feed never holds a partial or split line.

Each item becomes one ``write`` of one complete line followed by a flush, so every line the
exporter has written is whole on disk. A SIGKILL during a write may cut that one line short
(Linux stops a write to a regular file at a page boundary when the process is killed); it is
then the last line of a ``.part`` file, which is never delivered (crawler.feedstorage).
Characters that some readers take for line breaks (U+2028, U+2029, U+0085) are escaped, and
lone surrogates, which cannot be written as UTF-8, become U+FFFD instead of making the
exporter drop the item.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from scrapy.exporters import JsonLinesItemExporter

logger = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"}
_ESCAPED = re.compile("[\u2028\u2029\u0085]")
# Either of the above: most lines hold neither and are scanned once.
_SPECIAL = re.compile("[\ud800-\udfff\u2028\u2029\u0085]")


def json_line(encoded: str) -> str:
    """A JSON text made safe as one line of a JSON Lines file."""
    if _SPECIAL.search(encoded) is None:
        return encoded + "\n"
    if _SURROGATE.search(encoded):
        logger.warning("lone surrogate replaced by U+FFFD in exported item")
        encoded = _SURROGATE.sub("\ufffd", encoded)
    return _ESCAPED.sub(lambda m: _ESCAPES[m.group()], encoded) + "\n"


class LineJsonLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, writing each line whole (one write, then flush)."""

    def export_item(self, item: Any) -> None:
        data = json_line(self.encoder.encode(dict(self.get_serialized_fields(item))))
        self.file.write(data.encode(self.encoding or "utf-8"))
        self.file.flush()
        logger.debug("feed line written: %s", _url(item))


def _url(item: Any) -> str:
    try:
        return str(item.get("url"))
    except AttributeError:
        return "?"
