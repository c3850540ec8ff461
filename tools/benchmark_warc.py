"""Write the benchmark pages that have a URL as one WARC file, for timing `scrapy reextract`.

    .venv/bin/python tools/benchmark_warc.py output/bench.warc.gz /work/shared/benchmarks/*/
    .venv/bin/scrapy reextract output/bench.warc.gz -O output/bench-items.jsonl

Each page (``pages/<id>.html``, UTF-8) becomes a WARC/1.1 response record with its
``truth.jsonl`` URL and a ``text/html; charset=utf-8`` header.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def write_benchmark_warc(out: Path, folders: list[Path]) -> int:
    count = 0
    with out.open("wb") as file:
        writer = WARCWriter(file, gzip=True, warc_version="WARC/1.1")
        for folder in folders:
            for line in (folder / "truth.jsonl").open(encoding="utf-8"):
                truth = json.loads(line)
                page = folder / "pages" / f"{truth['id']}.html"
                if not truth.get("url") or not page.exists():
                    continue
                body = page.read_bytes()
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    truth["url"],
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                )
                writer.write_record(record)
                count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    count = write_benchmark_warc(Path(argv[0]), [Path(a) for a in argv[1:]])
    print(f"wrote {count} pages to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
