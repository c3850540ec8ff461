"""`bin/demo`: serve the demo portals, crawl them with `scrapy crawl news`, summarize.

The server runs in this process and is stopped even when the crawl fails; the exit code
is the crawl's. The summary comes from the crawl's own outputs: the stats dump in its log
and the JSON Lines feed it wrote (default feed: output/news/<time>.jsonl).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from demo.server import DEMO_PORTALS, PortalServer, serve_demo

ROOT = Path(__file__).resolve().parent.parent
_STAT = re.compile(r"^\s*'([^']+)':\s*(-?\d+(?:\.\d+)?),?\s*$")
_STAT_TEXT = re.compile(r"^\s*'([^']+)':\s*'([^']*)',?\s*$")


def parse_stats(log: str) -> dict[str, Any]:
    """Number and text entries of the last "Dumping Scrapy stats" block of a crawl log
    (other values, such as datetimes, are left out)."""
    start = log.rfind("Dumping Scrapy stats:")
    stats: dict[str, Any] = {}
    if start < 0:
        return stats
    for raw in log[start:].splitlines()[1:]:
        line = raw.replace("{", " ").replace("}", " ")
        if match := _STAT.match(line):
            value = float(match.group(2))
            stats[match.group(1)] = int(value) if value.is_integer() else value
        elif match := _STAT_TEXT.match(line):
            stats[match.group(1)] = match.group(2)
        if raw.rstrip().endswith("}"):
            break
    return stats


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Items of a JSON Lines file (blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def scrapy_command() -> list[str]:
    """The repo venv's scrapy if there is one, else this interpreter's."""
    venv = ROOT / ".venv" / "bin" / "scrapy"
    return [str(venv)] if venv.exists() else [sys.executable, "-m", "scrapy"]


def run_crawl(urls: list[str], extra: list[str], timeout: float) -> tuple[int, str]:
    """Run the crawl, echoing its log live; return (exit code, log text)."""
    cmd = [*scrapy_command(), "crawl", "news", "-a", "start_urls=" + ",".join(urls), *extra]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stderr.write(line)
        lines.append(line)
        if time.monotonic() > deadline:
            proc.kill()
            lines.append(f"demo: crawl killed after {timeout:.0f}s\n")
            break
    return proc.wait(), "".join(lines)


def newest_feed(since: float) -> Path | None:
    """The newest .jsonl under output/news written after `since` (epoch seconds)."""
    feeds = [
        p
        for p in (ROOT / "output" / "news").glob("*.jsonl")
        if p.stat().st_mtime >= since and p.name.count(".") == 1  # not <run>.rejects.jsonl
    ]
    return max(feeds, key=lambda p: p.stat().st_mtime, default=None)


def summary(
    stats: dict[str, float], items: list[dict[str, Any]], expected: int, seconds: float
) -> str:
    """Short human summary of a demo crawl."""
    pages = stats.get("downloader/response_count", 0)
    not_articles = stats.get("item_dropped_reasons_count/NotAnArticle", 0)
    rejects = stats.get("rejects/written", stats.get("item_dropped_count", 0) - not_articles)
    duplicates = stats.get("dedup/dropped", 0) + stats.get("dedup/near_duplicates", 0)
    merged = sum(1 for item in items if item.get("pages"))
    pictures = [image for item in items for image in item.get("images") or ()]
    captioned = sum(1 for image in pictures if image.get("caption"))
    headings = sum(
        line.startswith("#") for item in items for line in (item.get("markdown") or "").split("\n")
    )
    return (
        f"demo: pages fetched {pages}, articles {len(items)} (portals hold {expected}, "
        f"some stories on two portals; {merged} merged from several pages), not articles "
        f"{not_articles}, rejects {rejects} (duplicates {duplicates}), pictures {len(pictures)} "
        f"({captioned} with a caption), Markdown subheadings {headings}, {seconds:.1f}s"
    )


def main(argv: list[str] | None = None) -> int:
    """Serve, crawl, summarize; exit with the crawl's status."""
    parser = argparse.ArgumentParser(prog="bin/demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--templates", default=",".join(n for n, _ in DEMO_PORTALS))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "scrapy_args", nargs="*", help="extra arguments for scrapy crawl (after --)"
    )
    args = parser.parse_args(argv)
    specs = [(n, s) for n, s in DEMO_PORTALS if n in args.templates.split(",")]
    started = time.time()
    # A fresh incremental state each demo: the portals get new ports every time, and a
    # second demo run should show the same articles, not "nothing new".
    with PortalServer() as server, tempfile.TemporaryDirectory(prefix="demo-state-") as state:
        portals = serve_demo(server, specs)
        urls = [p.start_url for p in portals]
        print("demo: serving " + " ".join(urls), file=sys.stderr)
        extra = ["-s", f"NEWS_STATE_PATH={state}/news.sqlite", *args.scrapy_args]
        code, log = run_crawl(urls, extra, args.timeout)
    feed = newest_feed(started)
    items = read_jsonl(feed) if feed else []
    expected = sum(len(p.truth.articles) for p in portals)
    print(summary(parse_stats(log), items, expected, time.time() - started))
    if feed:
        print(f"demo: feed {feed.relative_to(ROOT)}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
