"""Runs ``scrapy crawl news`` as a subprocess and reads what it left: feed, rejects, stats."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demo.runner import parse_stats

ROOT = Path(__file__).resolve().parent.parent

# Settings every hostile-web crawl uses: fast, no state written into the repository.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "NEWS_TEMPLATE_STORE": "",
    "NEWS_TEMPLATE_ENABLED": "False",
    # Fixture pages share sentences on purpose; near-duplicate detection is tested elsewhere.
    "NEWS_NEAR_DUPLICATES_ENABLED": "False",
    "NEWS_STATE_ENABLED": "False",
    "NEWS_EXTRACT_WORKERS": "2",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    log: str
    feed: Path
    rejects_path: Path

    @property
    def lines(self) -> list[str]:
        return self.feed.read_text(encoding="utf-8").splitlines() if self.feed.exists() else []

    @property
    def items(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    @property
    def rejects(self) -> list[dict[str, Any]]:
        if not self.rejects_path.exists():
            return []
        return [json.loads(line) for line in self.rejects_path.read_text("utf-8").splitlines()]

    @property
    def stats(self) -> dict[str, Any]:
        return parse_stats(self.log)

    def reasons(self) -> dict[str, str]:
        """Reject reason by URL."""
        return {r["url"]: r["reason"] for r in self.rejects}


def crawl_command(
    tmp: Path, start_urls: list[str], settings: dict[str, str], *args: str
) -> list[str]:
    feed = tmp / "out.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "news", "-O", str(feed)]
    command += ["-a", "start_urls=" + ",".join(start_urls), *args]
    for name, value in {**FAST, **settings}.items():
        command += ["-s", f"{name}={value}"]
    return command


def run_crawl(
    tmp: Path,
    start_urls: list[str],
    settings: dict[str, str] | None = None,
    *args: str,
    timeout: float = 240,
) -> CrawlResult:
    command = crawl_command(tmp, start_urls, settings or {}, *args)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return CrawlResult(
        done.returncode,
        done.stdout + done.stderr,
        tmp / "out.jsonl",
        tmp / "out.rejects.jsonl",
    )
