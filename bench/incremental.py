"""Requests and seconds of a first run and a no-change second run over a 500-article portal.

    .venv/bin/python -m bench.incremental [--articles 500] [--polite]

The portal (tests/scheduled_portal.py) lists every article on listing pages of 50 and in a
gzipped sitemap behind robots.txt; the newest 20 are in an RSS feed. Without --polite the
crawl runs at loopback speed (DOWNLOAD_DELAY=0, no AutoThrottle); with it, the project's
politeness defaults apply.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scheduled_portal import Portal, PortalServer  # noqa: E402


def run(tmp: Path, sites: Path, polite: bool) -> dict[str, object]:
    args = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "news",
        "-a",
        f"sites={sites}",
        "-s",
        f"NEWS_STATE_PATH={tmp}/state/news.sqlite",
        "-s",
        f"NEWS_TEMPLATE_STORE={tmp}/state/templates.json",
        "-s",
        f"NEWS_DEFAULT_FEED={tmp}/output/%(run_start)s.jsonl",
        "-s",
        "LOG_LEVEL=WARNING",
    ]
    if not polite:
        args += ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
    started = time.monotonic()
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    seconds = time.monotonic() - started
    summary_path = sorted((tmp / "output").glob("*.summary.json"))[-1]
    summary = json.loads(summary_path.read_text())
    site = summary["sites"]["bench"]
    return {
        "exit": result.returncode,
        "seconds": round(seconds, 1),
        "requests": summary["requests"],
        "articles": site["articles"],
        "incremental": summary["incremental"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--polite", action="store_true")
    options = parser.parse_args()
    portal = Portal("Bench Gazette")
    when = datetime(2024, 5, 2, 8, tzinfo=UTC)
    for ident in range(1, options.articles + 1):
        portal.add_plain(ident, when, in_sitemap=True, in_feed=ident > options.articles - 20)
    with tempfile.TemporaryDirectory() as folder, PortalServer(portal) as server:
        tmp = Path(folder)
        sites = tmp / "sites.toml"
        sites.write_text(f'[sites.bench]\nstart_urls = ["{server.base}/"]\nmax_pages = 5000\n')
        first = run(tmp, sites, options.polite)
        time.sleep(1.1)
        second = run(tmp, sites, options.polite)
    print(json.dumps({"articles": options.articles, "first": first, "second": second}, indent=2))


if __name__ == "__main__":
    main()
