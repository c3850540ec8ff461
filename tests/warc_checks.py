"""Reading back what the crawl archived, for the archive tests: records by offset, every
record of a file, and the command-line indexers the web-archiving world uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from crawler.archive.members import scan_members

BIN = Path(sys.executable).parent


def record_at(path: Path, offset: int) -> Any:
    """The record whose gzip member starts at ``offset``, read whole (digest checked)."""
    with path.open("rb") as file:
        file.seek(offset)
        record = next(iter(ArchiveIterator(file, check_digests="raise")))
        record.body = record.content_stream().read()
        return record


def all_records(path: Path) -> list[dict[str, Any]]:
    """Type, URI, id, offset of every record; raises on any record that does not read."""
    found = []
    with path.open("rb") as file:
        iterator = ArchiveIterator(file, check_digests="raise")
        for record in iterator:
            record.content_stream().read()
            found.append(
                {
                    "type": record.rec_type,
                    "uri": record.rec_headers.get_header("WARC-Target-URI"),
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "concurrent_to": record.rec_headers.get_header("WARC-Concurrent-To"),
                    "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "offset": iterator.get_record_offset(),
                    "headers": record.rec_headers,
                }
            )
    return found


def whole_members(path: Path) -> int:
    """Count of leading whole records (gzip members); a cut one ends the count."""
    with path.open("rb") as file:
        count = 0
        for member in scan_members(file):
            if member.problem is not None:
                break
            count += 1
        return count


def warcio_index(path: Path) -> list[dict[str, str]]:
    """``warcio index``: raises CalledProcessError when it cannot read the file."""
    out = subprocess.run(
        [str(BIN / "warcio"), "index", str(path)], capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def cdxj_index(path: Path) -> list[str]:
    out = subprocess.run(
        [str(BIN / "cdxj-indexer"), str(path)], capture_output=True, text=True, check=True
    )
    assert not out.stderr.strip(), out.stderr
    return [line for line in out.stdout.splitlines() if line.strip()]
