"""Feed files written line by line: an item reported as exported is in the file, even if the
worker is killed the next instant (the distributed crawl acks a page right after that)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage


class UnbufferedFileFeedStorage(FileFeedStorage):
    """Scrapy's local file storage without the write buffer: each JSON line is one write()."""

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open(self.write_mode, buffering=0)
