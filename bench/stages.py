"""``python -m bench.stages [DIR ...]``: where the reader's time goes, stage by stage.

Reads every page of the benchmark sets (``DIR/pages/*.html``, default all sets under
``shared/benchmarks`` above the repository) with ``read_page`` in one process under cProfile, and prints each
stage's cumulative share of the reading (trafilatura and its fallback comparison, chrome
pruning, line cleaning, metadata, links, the parse, SimHash...). Stages nest (trafilatura's
comparison is inside trafilatura), so shares do not add up to 100%. ``--dump FILE`` writes
every page's whole reading as JSON Lines: two builds' dumps compared line by line tell
whether a speed change kept the readings identical.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from dataclasses import asdict
from pathlib import Path

from reader import read_page
from reader.simhash import simhash

REPO = Path(__file__).resolve().parent.parent
# (label, file name, function name; the file's folder may move): cumulative time of each, from the profile.
STAGES = (
    ("read_page (all)", "/page.py", "read_page"),
    ("parse", "/page.py", "parse_html"),
    ("trafilatura (gated read_body)", "/fallback.py", "read_body"),
    ("trafilatura bare_extraction", "trafilatura/core.py", "bare_extraction"),
    ("  its main extractor", "trafilatura/main_extractor.py", "extract_content"),
    ("  its fallback comparison", "trafilatura/external.py", "compare_extraction"),
    ("  its jusText rescue", "trafilatura/external.py", "justext_rescue"),
    ("  its recall retry", "trafilatura/core.py", "_recall_retry"),
    ("  its baseline", "trafilatura/baseline.py", "baseline"),
    ("chrome pruning", "/dom.py", "prune_chrome"),
    ("layout tables", "/dom.py", "flatten_layout_tables"),
    ("main block", "/mainblock.py", "best_block"),
    ("rendered lines", "/mainblock.py", "render_lines"),
    ("line cleaning", "/lines.py", "clean_lines"),
    ("short body", "/page.py", "_short_body"),
    ("links", "/links.py", "read_links"),
    ("meta values", "structured.py", "meta_values"),
    ("json-ld", "structured.py", "json_ld_objects"),
    ("title sources", "titles.py", "title_sources"),
    ("dates gathered", "/published.py", "gather"),
    ("byline markup", "people.py", "byline_names"),
    ("blog owner", "/people.py", "blog_owner"),
    ("language", "language.py", "detect_language"),
    ("fields", "/page.py", "_fields"),
    ("credits", "people.py", "credits"),
    ("classify", "/classify.py", "classify"),
    ("template keys", "/page.py", "_page_blocks"),
    ("simhash (worker)", "/simhash.py", "simhash"),
)


def pages(folders: list[Path]) -> list[tuple[str, str, str]]:
    """(set/id, url, html) of every page, in a fixed order."""
    found = []
    for folder in folders:
        urls = {}
        truth = folder / "truth.jsonl"
        if truth.exists():
            for line in truth.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    urls[record["id"]] = record.get("url")
        for path in sorted((folder / "pages").glob("*.html")):
            url = urls.get(path.stem) or f"http://benchmark.invalid/{path.stem}.html"
            found.append((f"{folder.name}/{path.stem}", url, path.read_text(encoding="utf-8")))
    return found


def read_all(found: list[tuple[str, str, str]], dump: Path | None) -> float:
    """Read every page as the worker does (reading, then SimHash of an article's text)."""
    out = dump.open("w", encoding="utf-8") if dump else None
    started = time.process_time()
    for name, url, html in found:
        reading = read_page(html, url)
        if reading.kind == "article":
            reading.simhash = simhash(reading.fields["text"])
        if out is not None:
            record = {"page": name, **asdict(reading)}
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    if out is not None:
        out.close()
    return time.process_time() - started


def read_plain(found: list[tuple[str, str, str]]) -> float:
    """Plain ``trafilatura.extract`` over the same pages (the bench's one-process baseline)."""
    import trafilatura

    started = time.process_time()
    for _, url, html in found:
        trafilatura.extract(html, url=url)
    return time.process_time() - started


def report(stats: pstats.Stats) -> list[tuple[str, float]]:
    table = stats.stats  # type: ignore[attr-defined]
    cumulative: dict[str, float] = {}
    for (filename, _, function), (_, _, _, cum, _) in table.items():
        for label, fragment, name in STAGES:
            if function == name and filename.endswith(fragment):
                cumulative[label] = cumulative.get(label, 0.0) + cum
    return [(label, cumulative.get(label, 0.0)) for label, _, _ in STAGES]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--dump", type=Path, help="write every page's reading (JSON Lines)")
    parser.add_argument("--no-profile", action="store_true", help="time only, no cProfile")
    parser.add_argument(
        "--plain", action="store_true", help="time plain trafilatura.extract instead (no profile)"
    )
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    args = parser.parse_args()
    shared = next(
        (
            p / "shared" / "benchmarks"
            for p in REPO.parents
            if (p / "shared" / "benchmarks").is_dir()
        ),
        REPO.parent / "shared" / "benchmarks",
    )
    folders = args.folders or sorted(shared.glob("*/"))
    found = pages([f for f in folders if (f / "pages").is_dir()])
    if args.plain:
        seconds = read_plain(found)
        print(f"{len(found)} pages, {seconds:.2f} s CPU, {1000 * seconds / len(found):.1f} ms/page")
        return 0
    if args.no_profile:
        seconds = read_all(found, args.dump)
        print(f"{len(found)} pages, {seconds:.2f} s CPU, {1000 * seconds / len(found):.1f} ms/page")
        return 0
    profile = cProfile.Profile()
    profile.enable()
    read_all(found, args.dump)
    profile.disable()
    stats = pstats.Stats(profile)
    rows = report(stats)
    total = rows[0][1] or 1.0
    print(f"{len(found)} pages; cumulative time per stage (under cProfile), share of read_page")
    for label, seconds in rows:
        print(f"{label:32} {seconds:8.2f} s {100 * seconds / total:6.1f}%")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
