"""One scheduled `scrapy crawl news` run in a test's own folder, and the run files it left."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def crawl(
    tmp: Path, sites: Path, *extra: str, feed_dir: Path | None = None, timeout: int = 180
) -> subprocess.CompletedProcess[str]:
    """One scheduled run (state under tmp/state, run files under ``feed_dir``)."""
    pairs = {
        "NEWS_STATE_PATH": tmp / "state" / "news.sqlite",
        "NEWS_TEMPLATE_STORE": tmp / "state" / "templates.json",
        "NEWS_DEFAULT_FEED": (feed_dir or tmp / "output") / "%(run_start)s.jsonl",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "NEWS_EXTRACT_WORKERS": 1,
        "NEWS_TEMPLATE_HOLD_SECONDS": 1,
        "RETRY_TIMES": 0,
    }
    args = [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}", *args, *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def feed_files(folder: Path) -> list[Path]:
    """The run files a consumer would read (no rejects, no part files)."""
    return sorted(
        p
        for p in folder.glob("*.jsonl")
        if not p.name.endswith(".rejects.jsonl") and p.name.count(".") == 1
    )
