"""Feed files written line by line: an item reported as exported is in the file, even if the
worker is killed the next instant (the distributed crawl acks a page right after that)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO, Any

from scrapy.extensions.feedexport import FileFeedStorage

logger = logging.getLogger(__name__)

# How far back from the end a cut last line is looked for (a line is one article).
_TAIL_SCAN = 1 << 20


def drop_cut_tail(path: Path) -> int:
    """Truncate ``path`` after its last newline; the number of bytes dropped.

    A worker killed in the middle of a write leaves the line it was writing cut short (Linux
    stops a write to a file at a page boundary on SIGKILL). That article was never acked, so
    another worker delivers it; appending after the cut would glue the next line onto it.
    """
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("r+b") as handle:
        start = max(0, size - _TAIL_SCAN)
        handle.seek(start)
        tail = handle.read()
        if tail.endswith(b"\n"):
            return 0
        newline = tail.rfind(b"\n")
        if newline < 0 and start > 0:  # a line longer than the scan: left for a human
            return 0
        keep = start + newline + 1
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


class UnbufferedFileFeedStorage(FileFeedStorage):
    """Scrapy's local file storage without the write buffer: each JSON line is one write().
    Appending to a file a killed worker left, the cut line it was writing is dropped first."""

    def open(self, spider: Any) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.write_mode == "ab" and path.exists():
            dropped = drop_cut_tail(path)
            if dropped:
                logger.warning(
                    "%s ended with a cut line (%d bytes) from a killed run; dropped it",
                    path,
                    dropped,
                )
        return path.open(self.write_mode, buffering=0)
