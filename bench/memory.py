"""Memory benchmark: crawl a generated local portal of 2,000 and 20,000 pages, report peak RSS.

Run with ``make bench-memory`` (or ``.venv/bin/python bench/memory.py [PAGES ...]``). The portal
is generated on the fly by a server on 127.0.0.1 (small pages, so 20k pages take minutes);
the crawl runs as a real ``scrapy crawl news`` subprocess and the RSS of its whole process
tree (main process + extraction workers) is sampled every half second from /proc.
Flat memory means the 20k-page peak is close to the 2k-page peak, not ten times higher.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "council",
    "budget",
    "river",
    "school",
    "station",
    "market",
    "bridge",
    "festival",
    "election",
    "harbour",
    "mayor",
    "police",
    "hospital",
    "weather",
    "train",
    "museum",
    "park",
    "library",
    "teacher",
    "farmer",
]
SECTION_SIZE = 50


def article(i: int, pages: int) -> bytes:
    rng = random.Random(i)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(25)) + f" (story {i}.{p})</p>"
        for p in range(3)
    )
    links = "".join(f'<a href="/news/{rng.randrange(pages)}.html">more</a>' for _ in range(2))
    return (
        f"<html><head><title>Story {i}</title>"
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>'
        f"<body><article><h1>Story {i} of the day</h1>{paragraphs}</article>"
        f"<nav>{links}</nav></body></html>"
    ).encode()


def section(n: int, pages: int) -> bytes:
    first = n * SECTION_SIZE
    links = "".join(
        f'<li><a href="/news/{i}.html">Story {i}</a></li>'
        for i in range(first, min(pages, first + SECTION_SIZE))
    )
    more = f'<a href="/section/{n + 1}.html">next</a>' if first + SECTION_SIZE < pages else ""
    return f"<html><body><ul>{links}</ul>{more}</body></html>".encode()


def serve(pages: int) -> ThreadingHTTPServer:
    """A portal of ``pages`` articles plus section pages, generated per request."""

    class Portal(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            path = self.path
            if path == "/":
                body = section(0, pages)
            elif path.startswith("/section/"):
                body = section(int(path.split("/")[2].split(".")[0]), pages)
            elif path.startswith("/news/"):
                body = article(int(path.split("/")[2].split(".")[0]), pages)
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def tree_rss(pid: int) -> tuple[int, int]:
    """(RSS of ``pid``, RSS of ``pid`` and all its descendants), in bytes."""

    def rss(p: int) -> int:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def children(p: int) -> list[int]:
        kids: list[int] = []
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids += [int(c) for c in (task / "children").read_text().split()]
        return kids

    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss(p)
        stack += children(p)
    return rss(pid), total


def run(pages: int) -> dict[str, float | str]:
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    command = [
        sys.executable, "-m", "scrapy", "crawl", "news", "-O", str(tmp / "out.jsonl"),
        "-a", f"start_urls={base}", "-a", f"max_pages={pages + pages // SECTION_SIZE + 10}",
        "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "NEWS_TEMPLATE_STORE=",
        "-s", "LOG_LEVEL=INFO", "-s", "CLOSESPIDER_TIMEOUT=0",
    ]  # fmt: skip
    started = time.monotonic()
    with (tmp / "crawl.log").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    peak_main = peak_tree = 0
    while process.poll() is None:
        main, tree = tree_rss(process.pid)
        peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
        time.sleep(0.5)
    server.shutdown()
    items = sum(1 for _ in (tmp / "out.jsonl").open()) if (tmp / "out.jsonl").exists() else 0
    return {
        "pages": pages,
        "exported": items,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_main_mb": round(peak_main / 2**20, 1),
        "peak_rss_all_mb": round(peak_tree / 2**20, 1),
        "exit_status": process.returncode,
        "log": str(tmp / "crawl.log"),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [2_000, 20_000]
    for pages in sizes:
        print(json.dumps(run(pages)), flush=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
