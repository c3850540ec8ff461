"""Re-extraction (issue 21, part 2): `scrapy reextract WARC... -O items.jsonl` reads the
pages a crawl archived through the same pipelines and gives the crawl's items, field by
field (crawl-time fields aside), without fetching anything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from demo.server import PortalServer
from tests.crawl_harness import FAST_SETTINGS, ROOT, run_crawl

pytestmark = pytest.mark.slow

# Set by the run, not read from the page: may differ between a crawl and its re-extraction.
CRAWL_TIME_FIELDS = {"fetched_at", "is_update"}


def reextract_command(
    inputs: list[Path], work: Path, *args: str, settings: dict[str, Any] | None = None
) -> list[str]:
    """The `scrapy reextract` command line, its state and templates under ``work``."""
    cmd = [sys.executable, "-m", "scrapy", "reextract", *map(str, inputs)]
    cmd += ["-O", f"{work / 'items.jsonl'}:jsonlines", *args]
    isolated = {
        "NEWS_STATE_PATH": work / "state.sqlite",
        "NEWS_TEMPLATE_STORE": work / "templates.json",
        "NEWS_REJECTS_FILE": work / "rejects.jsonl",
        "LOG_LEVEL": "INFO",
    }
    for key, value in {**FAST_SETTINGS, **isolated, **(settings or {})}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def reextract(
    inputs: list[Path],
    work: Path,
    *args: str,
    settings: dict[str, Any] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`scrapy reextract` in a subprocess, its state and templates under ``work``."""
    cmd = reextract_command(inputs, work, *args, settings=settings)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def read_items(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {item["url"]: item for item in map(json.loads, lines)}


def test_reextraction_gives_the_crawls_items_field_by_field(tmp_path: Path) -> None:
    folder = tmp_path / "warc"
    crawl_dir, again = tmp_path / "crawl", tmp_path / "again"
    crawl_dir.mkdir()
    again.mkdir()
    with PortalServer() as server:
        en = server.serve("en_herald", host="127.0.0.1", seed=0)
        zh = server.serve("zh_classic", host="127.0.0.2", seed=0)  # GBK pages
        crawl = run_crawl(
            [en.start_url, zh.start_url],
            settings={
                "NEWS_WARC_ENABLED": "True",
                "NEWS_WARC_DIR": str(folder),
                "NEWS_WARC_MAX_BYTES": "200000",
                "LOG_LEVEL": "INFO",
            },
            workdir=crawl_dir,
        )
        served = len(server.request_log)
    assert crawl.returncode == 0, crawl.tail()
    assert len(list(folder.iterdir())) > 1
    crawled = {item["url"]: item for item in crawl.items}
    assert any(i["language"] == "zh" for i in crawled.values())

    proc = reextract([folder], again)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = read_items(again / "items.jsonl")
    assert set(got) == set(crawled)
    for url, item in crawled.items():
        for name in (set(item) | set(got[url])) - CRAWL_TIME_FIELDS:
            assert got[url].get(name) == item.get(name), (url, name)
    # The whole pipeline ran: rejects, summary, accounting; and nothing was fetched.
    assert (again / "items.summary.json").exists()
    assert "pages/unaccounted': 0" in proc.stderr
    assert "downloader/request_count" not in proc.stderr
    summary = json.loads((again / "items.summary.json").read_text())
    assert summary["run_id"]
    assert served  # the servers are stopped: re-extraction could not have fetched


def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = reextract([tmp_path / "missing.warc.gz"], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: no such file or folder: {tmp_path / 'missing.warc.gz'}"
    proc = reextract([tmp_path], tmp_path, "-a", "colour=blue")
    assert proc.returncode == 2 and "unknown argument 'colour'" in proc.stderr
