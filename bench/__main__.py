"""``python -m bench [--pages N]``: crawl a local portal flat out and compare with the bound.

Prints, from one run: end-to-end articles/s, CPU ms per page and peak RSS of the crawl (all
its processes), the bound (our extraction + cleaning alone in one process, and that times the
cores), their ratio, reactor lag, and our per-page time against plain trafilatura's. The bound
is timed in slices during the crawl, with the crawl stopped meanwhile (``bench/slices.py``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import reduce
from operator import add
from pathlib import Path

from bench.bound import ReadAndClean, plain_trafilatura, project_reader
from bench.measure import REPO, Reader, TakingTurns, Timing, cores, crawl
from bench.portal import Portal, load_sources
from bench.server import PortalServer
from bench.slices import BoundSlices

MB = 1024 * 1024
RSS_MARK = 2000


def main() -> int:
    args = _arguments()
    benchmarks = Path(args.benchmarks).resolve()
    server = PortalServer(benchmarks, args.pages)
    out = Path(tempfile.mkdtemp(prefix="bench-", dir=REPO / "output"))
    try:
        portal = Portal(load_sources(benchmarks), args.pages, server.base_url)
        total_pages = len(portal.paths())
        sample = PageSample(portal)
        site = server.base_url.split("//", 1)[1]
        readers: dict[str, Callable[[], Reader]] = {
            "ours": lambda: ReadAndClean(site),
            "plain": lambda: plain_trafilatura,
        }
        # The bound is timed in slices during the crawl, with the crawl stopped meanwhile:
        # the machine's speed drifts (other tenants, clock), so both sample the same minutes.
        turns = TakingTurns(sample, readers)
        slices = BoundSlices(turns, args.slice_every, args.slice_pages)
        result = crawl(server.base_url + "/", total_pages + 10, out, RSS_MARK, args.setting, slices)
    finally:
        served = server.stop()
    during = turns.totals["ours"].pages
    if during < args.bound_least:  # a crawl too short for enough slices: top up after it
        turns.read(args.bound_least - during)
    _report(args, portal, total_pages, result, served, turns, slices, during)
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    else:
        print(f"crawl output kept in {out}")
    return 0 if result.returncode == 0 else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--pages", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument(
        "--benchmarks",
        default=str(_default_benchmarks()),
        help="benchmark pages (../shared/benchmarks)",
    )
    parser.add_argument(
        "--bound-least",
        type=int,
        default=160,
        help="pages timed for the bound at least: after the crawl if its slices timed "
        "fewer (default 160)",
    )
    parser.add_argument(
        "--slice-every",
        type=float,
        default=2.0,
        help="seconds of crawling between two slices of the bound (default 2)",
    )
    parser.add_argument(
        "--slice-pages", type=int, default=16, help="pages in a slice of the bound (default 16)"
    )
    parser.add_argument("-s", "--setting", action="append", default=[], type=lambda v: f"-s{v}")
    parser.add_argument("--keep", action="store_true", help="keep the crawl's feed, log, stats")
    args = parser.parse_args()
    # "-sNAME=VALUE" keeps each setting one argv item for scrapy.
    args.setting = [item for s in args.setting for item in ("-s", s[2:])]
    return args


def _default_benchmarks() -> Path:
    """../shared/benchmarks from the repository root (or from the main checkout of a worktree)."""
    for parent in REPO.parents:
        if (parent / "shared" / "benchmarks").is_dir():
            return parent / "shared" / "benchmarks"
    return REPO.parent / "shared" / "benchmarks"


class PageSample:
    """The crawled pages in a fixed shuffled order, rendered when timed: any stretch of it mixes
    listings and articles as the crawl does, and no page is timed twice unless the slices
    outrun the portal (a page read again may find caches warm)."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.paths = portal.paths()
        random.Random(0).shuffle(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> tuple[str, str]:
        path = self.paths[index]
        return self.portal.render(path).decode("utf-8"), self.portal.base_url + path  # type: ignore[union-attr]


def _report(
    args, portal, total_pages, result, served, turns: TakingTurns, slices: BoundSlices, during: int
) -> None:  # type: ignore[no-untyped-def]
    stats = result.stats
    ours, plain = turns.totals["ours"], turns.totals["plain"]
    engine = float(stats.get("elapsed_time_seconds") or result.wall_seconds)
    paused = slices.paused_within(_when(stats, "start_time"), _when(stats, "finish_time"))
    elapsed = engine - paused
    wall = result.wall_seconds - slices.paused_within(None, None)
    articles = int(stats.get("item_scraped_count", 0))
    responses = int(stats.get("response_received_count", 0))
    n_cores = cores()
    e2e = articles / elapsed
    one = _rate(ours)
    bound = one * n_cores
    reader_path, _ = project_reader()
    # Everything but the main process: the workers (and the idle fork server).
    workers_ms = 1000 * (result.cpu_seconds - result.main_cpu_seconds) / max(responses, 1)
    rows = [
        ("command", " ".join(result.command[1:]).replace(str(REPO) + "/", "")),
        ("portal", f"{portal.articles} articles + {portal.listings} listings from "
                   f"{len(portal.sources)} benchmark pages ({total_pages} pages)"),
        ("served by status", str(dict(sorted(served.items())))),
        ("load average before / after", f"{result.load_before} / {result.load_after}"),
        ("crawl exit code", str(result.returncode)),
        ("finish reason", str(stats.get("finish_reason"))),
        ("responses / articles exported", f"{responses} / {articles}"),
        ("crawl time (engine) / process wall",
         f"{elapsed:.1f} s / {wall:.1f} s  (stopped {paused:.1f} s for "
         f"{len(slices.pauses)} slices of the bound, not counted)"),
        ("END-TO-END articles/s", f"{e2e:.1f}  (pages/s {responses / elapsed:.1f})"),
        ("CPU ms per page (main+workers)",
         f"{1000 * result.cpu_seconds / max(responses, 1):.1f}  (main process "
         f"{1000 * result.main_cpu_seconds / max(responses, 1):.1f}; cores busy "
         f"{result.cpu_seconds / wall:.2f} of {cores()})"),
        ("peak RSS, all crawl processes", f"{result.peak_rss / MB:.0f} MB"),
    ]  # fmt: skip
    if result.rss_at_mark is not None and portal.articles > RSS_MARK:
        rows.append((f"peak RSS up to {RSS_MARK} articles / at end",
                     f"{result.rss_at_mark / MB:.0f} MB / {result.peak_rss / MB:.0f} MB"))  # fmt: skip
        rows.append(("RSS trace (articles: MB all, main)", _trace(result.rss_trace)))
    rows += [
        ("reader", reader_path),
        ("BOUND one process (read+clean)",
         f"{one:.1f} articles/s ({ours.pages / ours.wall_seconds:.1f} pages/s, "
         f"{ours.articles}/{ours.pages} articles)"),
        ("  timed during the crawl / after it", f"{during} / {ours.pages - during} pages"),
        ("  first / second half of the slices", _halves([t["ours"] for t in slices.timings])),
        (f"BOUND x {n_cores} cores", f"{bound:.1f} articles/s"),
        ("RATIO end-to-end / one process", f"{e2e / one:.2f}   (target >= 1.6)"),
        ("RATIO end-to-end / cores x one", f"{e2e / bound:.2f}   (target >= 0.8)"),
        ("CPU per article: bound / crawl",
         f"{ours.cpu_seconds * 1000 / max(ours.articles, 1):.1f} / "
         f"{result.cpu_seconds * 1000 / max(articles, 1):.1f} ms  (the crawl's overhead, "
         "independent of other load on the machine)"),
        ("CPU per page: bound alone / workers",
         f"{ours.cpu_ms_per_page:.1f} / {workers_ms:.1f} ms  "
         f"({workers_ms / ours.cpu_ms_per_page - 1:+.0%}: the same reading on two busy cores, "
         "with the SimHash and the fork server)"),
        ("reactor lag p99 / max / p50",
         f"{stats.get('reactor_lag/p99_ms')} / {stats.get('reactor_lag/max_ms')} / "
         f"{stats.get('reactor_lag/p50_ms')} ms  (p99 target < 50; "
         f"{stats.get('reactor_lag/continued', 0)} firings across a stop not counted)"),
        ("read gate max pages / requests held",
         f"{stats.get('readgate/max_pages')} / {stats.get('readgate/held', 0)}"),
        ("per page: ours read+clean", f"{ours.ms_per_page:.1f} ms (CPU {ours.cpu_ms_per_page:.1f})"),
        ("per page: plain trafilatura.extract", f"{plain.ms_per_page:.1f} ms (CPU {plain.cpu_ms_per_page:.1f})"),
        ("RATIO reading per page, ours (read+clean) / plain trafilatura (CPU)",
         f"{ours.cpu_ms_per_page / plain.cpu_ms_per_page:.2f}   (target <= 1.5; issue 20: <= 0.85)"),
        ("RATIO end-to-end pages/s / plain trafilatura one process",
         f"{(responses / elapsed) / _page_rate(plain):.2f}   (issue 20's target >= 1.3)"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    print(f"\n== make bench: {args.pages} articles ==")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def _page_rate(timing: Timing) -> float:
    """Pages/s of one process reading alone (plain trafilatura: every page it is handed)."""
    return timing.pages / timing.wall_seconds if timing.wall_seconds else float("inf")


def _rate(timing: Timing) -> float:
    return timing.articles / timing.wall_seconds if timing.wall_seconds else 0.0


def _halves(timings: list[Timing]) -> str:
    """The bound's rate over the first and the second half of the slices: the drift the
    slices absorbed."""
    if len(timings) < 2:
        return "-"
    middle = len(timings) // 2
    first, second = reduce(add, timings[:middle]), reduce(add, timings[middle:])
    return f"{_rate(first):.1f} / {_rate(second):.1f} articles/s"


def _when(stats: dict, key: str) -> datetime | None:  # type: ignore[type-arg]
    try:
        return datetime.fromisoformat(str(stats[key]))
    except (KeyError, ValueError):
        return None


def _trace(trace: list[tuple[int, int, int]]) -> str:
    step = max(1, len(trace) // 10)
    return ", ".join(
        f"{n}: {rss / MB:.0f}, {main / MB:.0f}" for n, rss, main in trace[::step] + trace[-1:]
    )


if __name__ == "__main__":
    raise SystemExit(main())
