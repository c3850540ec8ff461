"""``scrapy evaluate DIR [DIR...] [--items FILE]``: text quality on benchmark folders.

Runs the page reader the crawl's workers run (``NEWS_PAGE_READER``, the same function, loaded
by dotted path so ``crawler/`` never imports ``pipelines/``) and plain trafilatura (defaults,
txt) over every page of each folder, page by page in one process so both see the same machine
load, and prints precision, recall, F1 and pages/s side by side with the benchmark's metric.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import trafilatura
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object

from crawler.benchmark import Metrics, Page, Score, load_dataset, metrics, score_page

if TYPE_CHECKING:
    import argparse

PLAIN = "trafilatura (defaults)"
OURS = "newscrawler"


@dataclass
class Run:
    """One extractor's scores and reading time on one dataset."""

    scores: list[Score] = field(default_factory=list)
    seconds: float = 0.0

    def result(self) -> tuple[Metrics, float]:
        pages = len(self.scores)
        return metrics(self.scores), pages / self.seconds if self.seconds else 0.0


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "DIR [DIR...] [--items FILE]"

    def short_desc(self) -> str:
        return "Score text extraction on benchmark folders (pages/<id>.html + truth.jsonl)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--items", metavar="FILE", help="write one JSON object per page (our reading) to FILE"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("name at least one benchmark folder")
        folders = [Path(a) for a in args]
        for folder in folders:
            if not (folder / "truth.jsonl").is_file() or not (folder / "pages").is_dir():
                raise UsageError(f"not a benchmark folder (pages/ + truth.jsonl): {folder}")
        assert self.settings is not None
        reader = load_object(self.settings["NEWS_PAGE_READER"])
        reader("<html><body><p>warm up</p></body></html>", "http://localhost/")
        trafilatura.extract("<html><body><p>warm up</p></body></html>")
        items: IO[str] | None = None
        if opts.items:
            Path(opts.items).parent.mkdir(parents=True, exist_ok=True)
            items = open(opts.items, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        rows = []
        try:
            for folder in folders:
                runs = evaluate_folder(folder, reader, items)
                rows.append((folder.name or folder.resolve().name, runs))
        finally:
            if items is not None:
                items.close()
        print(format_table(rows))


def evaluate_folder(
    folder: Path, reader: Callable[..., Any], items: IO[str] | None
) -> dict[str, Run]:
    """Both extractors over every page of one folder, timed page by page."""
    runs = {PLAIN: Run(), OURS: Run()}
    for page in load_dataset(folder):
        started = time.perf_counter()
        plain = trafilatura.extract(page.html) or ""
        middle = time.perf_counter()
        reading = reader(page.html, page.url or f"http://benchmark.invalid/{page.id}.html")
        ended = time.perf_counter()
        runs[PLAIN].seconds += middle - started
        runs[OURS].seconds += ended - middle
        text = reading.fields.get("text") or ""
        runs[PLAIN].scores.append(score_page(page.body, plain, page.chinese))
        runs[OURS].scores.append(score_page(page.body, text, page.chinese))
        if items is not None:
            items.write(json.dumps(_item(folder, page, reading), ensure_ascii=False, default=str))
            items.write("\n")
    return runs


def _item(folder: Path, page: Page, reading: Any) -> dict[str, Any]:
    """The page's id and item fields, plus the article/listing decision and its evidence."""
    return {
        "id": page.id,
        "dataset": folder.name or folder.resolve().name,
        **reading.fields,
        "kind": reading.kind,
        "reason": reading.reason,
        "signals": reading.signals,
    }


def format_table(rows: list[tuple[str, dict[str, Run]]]) -> str:
    """A Markdown table: one row per dataset and extractor, our time relative to plain's."""
    lines = [
        "| dataset | extractor | pages | precision | recall | F1 | pages/s | time/page vs plain |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in rows:
        plain_seconds = runs[PLAIN].seconds or 1e-9
        for label, run in runs.items():
            m, rate = run.result()
            ratio = run.seconds / plain_seconds
            lines.append(
                f"| {name} | {label} | {m.pages} | {m.precision:.3f} | {m.recall:.3f} "
                f"| {m.f1:.3f} | {rate:.1f} | {ratio:.2f}x |"
            )
    return "\n".join(lines)
