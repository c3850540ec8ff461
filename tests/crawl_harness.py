"""Run `scrapy crawl news` as a subprocess against local portals and read what it wrote.

The crawl is tested the way a user runs it (Scrapy's own tests/test_command_crawl.py does
the same): a real process, its exit code, the JSON Lines feed it exported, its log.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from demo.runner import parse_stats

ROOT = Path(__file__).resolve().parent.parent

FAST_SETTINGS: dict[str, str] = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "LOG_LEVEL": "DEBUG",
}
"""Loopback portals need no politeness delay; DEBUG logs every request URL."""

_URL_IN_LOG = re.compile(r"<(?:GET|HEAD|POST) (https?://[^\s>]+)>")


class CrawlTimeout(AssertionError):
    """The crawl did not finish within the test's time budget."""


@dataclass
class CrawlResult:
    """What one `scrapy crawl news` run produced."""

    returncode: int
    items: list[dict[str, Any]]
    stdout: str
    stderr: str
    rejects_path: Path | None
    seconds: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def rejects(self) -> list[dict[str, Any]]:
        """Rejected pages the crawler recorded (empty if it wrote no rejects file)."""
        if self.rejects_path is None or not self.rejects_path.exists():
            return []
        return _read_jsonl(self.rejects_path)

    @property
    def log(self) -> str:
        """Scrapy logs to stderr; stdout is included in case a setting redirects it."""
        return self.stderr + self.stdout

    def requested_urls(self) -> list[str]:
        """Every URL the log shows a request for (needs LOG_LEVEL=DEBUG)."""
        return _URL_IN_LOG.findall(self.log)

    def requested_hosts(self) -> set[str]:
        """host:port of every URL in the log's request lines."""
        return {urlsplit(u).netloc for u in self.requested_urls()}

    def tail(self, lines: int = 40) -> str:
        """Last lines of the log, for assertion messages."""
        return "\n".join(self.log.splitlines()[-lines:])


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def crawl_command(
    start_urls: Iterable[str],
    out: Path,
    rejects: Path,
    extra_args: Iterable[str],
    settings: Mapping[str, Any],
) -> list[str]:
    """argv of the crawl: this interpreter's scrapy, feed and rejects in `out`'s folder."""
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "news",
        "-a",
        "start_urls=" + ",".join(start_urls),
    ]
    cmd += ["-O", f"{out}:jsonlines", "-s", f"NEWS_REJECTS_FILE={rejects}"]
    # Each crawl starts from an empty incremental state of its own (no article known), and
    # keeps its learned templates there too: nothing is written inside the checkout.
    isolated = {
        "NEWS_STATE_PATH": out.parent / "state.sqlite",
        "NEWS_TEMPLATE_STORE": out.parent / "templates.json",
    }
    for key, value in {**FAST_SETTINGS, **isolated, **settings}.items():
        cmd += ["-s", f"{key}={value}"]
    return [*cmd, *extra_args]


def run_crawl(
    start_urls: Iterable[str],
    extra_args: Iterable[str] = (),
    settings: Mapping[str, Any] | None = None,
    timeout: float = 120,
    workdir: Path | None = None,
) -> CrawlResult:
    """Crawl `start_urls` in a subprocess (cwd = repo root) and collect its outputs.

    `settings` are passed as `-s KEY=VALUE` over FAST_SETTINGS. Raises CrawlTimeout if the
    process outlives `timeout` seconds (it is killed first).
    """
    folder = workdir or Path(tempfile.mkdtemp(prefix="crawl-"))
    out, rejects = folder / "items.jsonl", folder / "rejects.jsonl"
    cmd = crawl_command(start_urls, out, rejects, extra_args, settings or {})
    started = datetime.now()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        raise CrawlTimeout(f"crawl exceeded {timeout}s; log tail:\n{err[-3000:]}") from exc
    seconds = (datetime.now() - started).total_seconds()
    items = _read_jsonl(out) if out.exists() else []
    return CrawlResult(
        returncode=proc.returncode,
        items=items,
        stdout=proc.stdout,
        stderr=proc.stderr,
        rejects_path=rejects if rejects.exists() else None,
        seconds=seconds,
        stats=parse_stats(proc.stderr + proc.stdout),
    )
