"""A worker's feed file stays whole lines when a run appends to a file a killed run left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.distributed.feedstorage import UnbufferedFileFeedStorage

GOLDEN = Path(__file__).parent / "golden"


def article_lines(count: int) -> list[bytes]:
    """Real exported articles: the golden pages' expected items, one JSON line each."""
    folders = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())
    items = [json.loads((f / "expected.json").read_text(encoding="utf-8")) for f in folders]
    return [(json.dumps(i, ensure_ascii=False) + "\n").encode() for i in items[:count]]


def append_line(path: Path, line: bytes) -> None:
    storage = UnbufferedFileFeedStorage(path.as_uri(), feed_options={"overwrite": False})
    handle = storage.open(None)
    handle.write(line)
    handle.close()


@pytest.mark.parametrize("cut_at", [1, 100, -1])
def test_a_cut_last_line_is_dropped_before_the_next_run_appends(
    tmp_path: Path, cut_at: int
) -> None:
    first, second, third = article_lines(3)
    feed = tmp_path / "w0.jsonl"
    feed.write_bytes(first + second[:cut_at])  # killed while writing the second article
    append_line(feed, third)
    assert feed.read_bytes() == first + third


def test_whole_files_and_a_lone_cut_line_are_handled(tmp_path: Path) -> None:
    first, second = article_lines(2)
    whole = tmp_path / "whole.jsonl"
    whole.write_bytes(first)
    append_line(whole, second)
    assert whole.read_bytes() == first + second
    lone = tmp_path / "lone.jsonl"
    lone.write_bytes(first[:50])  # the run died writing its first article
    append_line(lone, second)
    assert lone.read_bytes() == second
