"""``python -m bench.reextract``: re-extraction against plain trafilatura on the benchmark pages.

Writes the benchmark pages that have a URL (``truth.jsonl``) as one WARC file, then takes
turns, round by round: ``scrapy reextract`` over the file (a subprocess: worker pool on all
cores, every pipeline stage, export), and plain ``trafilatura.extract`` over the same pages
in this one process. Prints each one's pages/s, their ratio round by round (median, lowest,
highest), and the re-extracted items' text P/R/F1 against the truth, scored as ``scrapy
evaluate`` scores (``crawler.benchmark``), beside ``scrapy evaluate``'s own figures for our
reader and plain trafilatura on the same pages (``evaluate_folder``, its code).

Re-extraction's pages/s is over the spider's run (open to close, Scrapy's
``elapsed_time_seconds``), plain trafilatura's over its reading loop: neither counts the
interpreter's start-up and imports (the whole process's figure is printed beside).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import trafilatura
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.measure import SAMPLE_SECONDS, ProcessTree, children_cpu, cores
from crawler.benchmark import Metrics, Page, load_dataset, metrics, score_page
from crawler.commands.evaluate import OURS, PLAIN, dataset_name, evaluate_folder

REPO = Path(__file__).resolve().parent.parent
ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


def benchmark_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "truth.jsonl").is_file())


def pages_with_urls(folders: list[Path]) -> dict[str, list[Page]]:
    """Each set's pages that have a URL (the ones a WARC file can hold), by set name."""
    return {dataset_name(f): [p for p in load_dataset(f) if p.url] for f in folders}


def page_url(page: Page) -> str:
    """The page's truth URL, a scheme-relative one (``//host/...``) made https."""
    url = page.url or ""
    return "https:" + url if url.startswith("//") else url


def write_benchmark_warc(out: Path, sets: dict[str, list[Page]]) -> int:
    """The pages as WARC/1.1 response records (gzip member each), with their truth URL and
    ``text/html; charset=utf-8`` (the benchmark files are UTF-8)."""
    count = 0
    with out.open("wb") as file:
        writer = WARCWriter(file, gzip=True, warc_version="WARC/1.1")
        for pages in sets.values():
            for page in pages:
                body = page.html.encode("utf-8")
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    page_url(page),
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                )
                writer.write_record(record)
                count += 1
    return count


@dataclass
class Run:
    """One ``scrapy reextract`` run: its spider's seconds, the whole process's, the CPU
    seconds of all its processes (workers included), its items."""

    seconds: float
    wall: float
    cpu: float
    items: dict[str, dict]
    returncode: int
    stderr: str


def reextract_command(warc: Path, work: Path, settings: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "reextract", str(warc)]
    cmd += ["-O", f"{work / 'items.jsonl'}:jsonlines", "-s", "LOG_LEVEL=INFO"]
    for name, value in (
        ("NEWS_STATE_PATH", work / "state.sqlite"),
        ("NEWS_TEMPLATE_STORE", work / "templates.json"),
        ("NEWS_REJECTS_FILE", work / "rejects.jsonl"),
    ):
        cmd += ["-s", f"{name}={value}"]
    for setting in settings:
        cmd += ["-s", setting]
    return cmd


def run_reextract(warc: Path, work: Path, settings: list[str]) -> Run:
    """A fresh run (no state, no learned templates) of ``scrapy reextract`` on the file."""
    for name in ("state.sqlite", "templates.json", "rejects.jsonl", "items.jsonl"):
        (work / name).unlink(missing_ok=True)
    cpu_before = children_cpu()
    started = time.perf_counter()
    with (work / "reextract.log").open("w+") as log:
        proc = subprocess.Popen(
            reextract_command(warc, work, settings), cwd=REPO, stdout=log, stderr=log, text=True
        )
        tree = ProcessTree(psutil.Process(proc.pid))
        while proc.poll() is None:
            tree.sample()  # the workers' CPU (they fork from a server it never waits for)
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        log.seek(0)
        stderr = log.read()
    cpu = children_cpu() - cpu_before + sum(tree.cpu.values())
    elapsed = ELAPSED.search(stderr)  # the stats Scrapy dumps at the end
    seconds = float(elapsed.group(1)) if elapsed else wall
    items = {}
    feed = work / "items.jsonl"
    if feed.exists():
        for line in feed.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            items[item["url"]] = item
    return Run(seconds, wall, cpu, items, proc.returncode, stderr)


def time_plain(pages: list[Page]) -> tuple[float, float]:
    """Seconds and CPU seconds plain trafilatura (defaults) takes over the pages, one after
    the other in this process."""
    started, cpu = time.perf_counter(), time.process_time()
    for page in pages:
        trafilatura.extract(page.html)
    return time.perf_counter() - started, time.process_time() - cpu


def items_metrics(pages: list[Page], items: dict[str, dict]) -> Metrics:
    """The items' text scored against the truth; a page without an item (a listing, a reject,
    a duplicate) scores as an empty reading, as ``scrapy evaluate`` scores one."""
    scores = []
    for page in pages:
        text = (items.get(page_url(page)) or {}).get("text") or ""
        scores.append(score_page(page.body, text, page.cjk))
    return metrics(scores)


def evaluate_metrics(folders: list[Path]) -> dict[str, dict[str, Metrics]]:
    """``scrapy evaluate``'s text figures (its own code) for our reader and plain
    trafilatura, over the pages that have a URL, per set."""
    reader = load_object(get_project_settings()["NEWS_PAGE_READER"])
    out: dict[str, dict[str, Metrics]] = {}
    for folder in folders:
        results = [r for r in evaluate_folder(folder, reader, None) if r.page.url]
        out[dataset_name(folder)] = {
            name: metrics(r.outcomes[name].text for r in results) for name in (OURS, PLAIN)
        }
    return out


def _spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} (lowest {min(values):.2f}, "
        f"highest {max(values):.2f})"
    )


def _row(label: str, m: Metrics) -> str:
    return f"| {label} | {m.pages} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} |"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    folders = benchmark_folders(Path(args.benchmarks).resolve())
    if not folders:
        print(f"no benchmark folders (pages/ + truth.jsonl) in {args.benchmarks}")
        return 2
    sets = pages_with_urls(folders)
    pages = [p for group in sets.values() for p in group]
    with tempfile.TemporaryDirectory(prefix="bench-reextract-") as tmp:
        work = Path(tmp)
        warc = work / "benchmarks.warc.gz"
        count = write_benchmark_warc(warc, sets)
        print(
            f"{count} benchmark pages with their URLs in one WARC file ({warc.stat().st_size:,} bytes)"
        )
        print("re-extraction:", " ".join(reextract_command(warc, work, args.setting)))
        trafilatura.extract("<html><body><p>warm up</p></body></html>")
        load = os.getloadavg()[0]
        runs: list[Run] = []
        plain: list[tuple[float, float]] = []
        for round_ in range(1, args.rounds + 1):
            run = run_reextract(warc, work, args.setting)
            if run.returncode != 0:
                print(f"scrapy reextract failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
                return 1
            runs.append(run)
            plain.append(time_plain(pages))
            wall, cpu = plain[-1]
            print(
                f"round {round_}: re-extraction {count / run.seconds:.1f} pages/s (whole process "
                f"{count / run.wall:.1f}), {1000 * run.cpu / count:.1f} ms CPU a page (all its "
                f"processes); plain trafilatura {len(pages) / wall:.1f} pages/s, "
                f"{1000 * cpu / len(pages):.1f} ms CPU a page"
            )
            load = max(load, os.getloadavg()[0])
    n = len(pages)
    ratios = [(count / r.seconds) / (n / p[0]) for r, p in zip(runs, plain, strict=True)]
    whole = [(count / r.wall) / (n / p[0]) for r, p in zip(runs, plain, strict=True)]
    # What the run gives with the cores to itself: pages/s = cores / CPU a page (all processes).
    bound = [(cores() * count / r.cpu) / (n / p[1]) for r, p in zip(runs, plain, strict=True)]
    print(
        f"\nre-extraction / plain trafilatura in one process, pages/s, {args.rounds} rounds, "
        f"{cores()} cores, load average up to {load:.1f}:\n"
        f"  measured (spider open to close / reading loop): {_spread(ratios)}\n"
        f"  measured, whole processes: {_spread(whole)}\n"
        f"  CPU-bound ({cores()} cores / CPU a page of all the run's processes, against one "
        f"process's CPU a page): {_spread(bound)}"
    )
    if args.no_evaluate:
        return 0
    print("\ntext scores on the same pages (pages with a URL):\n")
    print("| set / extractor | pages | text P | text R | text F1 |")
    print("|---|---|---|---|---|")
    evaluated = evaluate_metrics(folders)
    for name, group in sets.items():
        print(_row(f"{name}: scrapy reextract items", items_metrics(group, runs[-1].items)))
        print(_row(f"{name}: scrapy evaluate, {OURS}", evaluated[name][OURS]))
        print(_row(f"{name}: scrapy evaluate, {PLAIN}", evaluated[name][PLAIN]))
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reextract", description=__doc__)
    parser.add_argument("--benchmarks", default=str(REPO.parent / "shared" / "benchmarks"))
    parser.add_argument("--rounds", type=int, default=3, help="reextract / plain turns (3)")
    parser.add_argument("--no-evaluate", action="store_true", help="timings only")
    parser.add_argument(
        "-s", dest="setting", action="append", default=[], help="NAME=VALUE for scrapy reextract"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
