"""bench/stages.py: the reader's time per stage, and whole readings dumped for identity checks."""

from __future__ import annotations

import cProfile
import json
import pstats
import shutil
from pathlib import Path

from bench.stages import STAGES, pages, read_all, report

GOLDEN = Path(__file__).resolve().parent / "golden"


def _set(tmp_path: Path) -> Path:
    """A benchmark-shaped folder (pages/ + truth.jsonl) holding two saved portal pages."""
    folder = tmp_path / "one-set"
    (folder / "pages").mkdir(parents=True)
    truth = []
    for name in ("en_share_bars_by_shape", "zh_share_bars_by_shape"):
        shutil.copy(GOLDEN / name / "page.html", folder / "pages" / f"{name}.html")
        expected = json.loads((GOLDEN / name / "expected.json").read_text(encoding="utf-8"))
        truth.append({"id": name, "url": expected["url"]})
    (folder / "truth.jsonl").write_text("\n".join(json.dumps(t) for t in truth), encoding="utf-8")
    return folder


def test_pages_carry_their_truth_urls(tmp_path: Path) -> None:
    found = pages([_set(tmp_path)])
    assert [name for name, _, _ in found] == [
        "one-set/en_share_bars_by_shape",
        "one-set/zh_share_bars_by_shape",
    ]
    assert all(url.startswith("http") and html for _, url, html in found)


def test_dump_holds_each_whole_reading_with_its_simhash(tmp_path: Path) -> None:
    dump = tmp_path / "readings.jsonl"
    read_all(pages([_set(tmp_path)]), dump)
    records = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    assert [r["page"] for r in records] == [
        "one-set/en_share_bars_by_shape",
        "one-set/zh_share_bars_by_shape",
    ]
    for record in records:
        assert record["kind"] == "article"
        assert record["fields"]["text"] and record["simhash"]
        assert {"blocks", "signals", "removed", "links"} <= record.keys()


def test_report_names_every_stage_and_times_the_reader(tmp_path: Path) -> None:
    found = pages([_set(tmp_path)])
    profile = cProfile.Profile()
    profile.enable()
    read_all(found, None)
    profile.disable()
    rows = dict(report(pstats.Stats(profile)))
    assert list(rows) == [label for label, _, _ in STAGES]
    assert rows["read_page (all)"] > 0
    assert rows["chrome pruning"] > 0 and rows["trafilatura (gated read_body)"] > 0
