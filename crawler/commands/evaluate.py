"""``scrapy evaluate DIR [DIR...] [--items FILE] [--worst N]``: every field a benchmark has truth for.

Runs the page reader the crawl's workers run (``NEWS_PAGE_READER``, the same function, loaded
by dotted path so ``crawler/`` never imports ``pipelines/``) and plain trafilatura over every
page of each folder, page by page in one process so all see the same machine load. Scored:
text (the benchmark's shingle P/R/F1, CJK pages per character), title exact, authors set F1,
published same-day and same-minute (``crawler.benchmark`` defines each). Trafilatura's text is
``extract()`` with defaults and with ``include_comments=False``; its title, authors (``author``
split on ``;``) and date come from ``bare_extraction(with_metadata=True)``. One Markdown table:
a row per set, per language group (CJK = truth ``lang`` zh/ja/ko) and per extractor.
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import trafilatura
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.misc import load_object
from trafilatura.settings import Document

from crawler.benchmark import (
    Page,
    Score,
    authors_f1,
    load_dataset,
    metrics,
    published_day,
    published_minute,
    score_page,
    title_exact,
)
from crawler.headingrecall import heading_recall

if TYPE_CHECKING:
    import argparse

logger = logging.getLogger(__name__)

OURS = "newscrawler"
PLAIN = "trafilatura (defaults)"
PLAIN_NO_COMMENTS = "trafilatura (include_comments=False)"
EXTRACTORS = (OURS, PLAIN, PLAIN_NO_COMMENTS)
# Field scores per page, in table order; None where the truth (or, for the minute, a time) is missing.
FIELDS = ("title_exact", "authors_f1", "published_day", "published_minute")
FIELD_HEADERS = ("title exact", "authors F1", "published day", "published minute")


@dataclass
class Outcome:
    """One extractor on one page: text score, field scores, reading time, what it read."""

    text: Score
    seconds: float
    scores: dict[str, float | None] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class PageResult:
    """Every extractor's outcome on one page of one set."""

    dataset: str
    page: Page
    outcomes: dict[str, Outcome]


def field_scores(page: Page, title: Any, authors: Any, published: Any) -> dict[str, float | None]:
    """The page's field scores for one reading (``None``: no truth for that field)."""
    names = [a for a in authors if isinstance(a, str)] if isinstance(authors, list) else []
    return {
        "title_exact": title_exact(page.title, title if isinstance(title, str) else None),
        "authors_f1": authors_f1(page.authors, names),
        "published_day": published_day(page.published, published),
        "published_minute": published_minute(page.published, published),
    }


def split_authors(value: str | None) -> list[str]:
    """Trafilatura's ``author`` string (names joined by ``;``) as a list."""
    return [name.strip() for name in (value or "").split(";") if name.strip()]


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "DIR [DIR...] [--items FILE] [--worst N]"

    def short_desc(self) -> str:
        return "Score text, title, authors and date on benchmark folders (pages/ + truth.jsonl)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--items",
            metavar="FILE",
            help="write one JSON object per page (our reading, truth, per-field scores) to FILE",
        )
        parser.add_argument(
            "--worst",
            metavar="N",
            type=int,
            default=0,
            help="after the table, list our N worst pages per field and set",
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
        warm = "<html><body><p>warm up</p></body></html>"
        reader(warm, "http://localhost/")
        trafilatura.extract(warm)
        trafilatura.bare_extraction(warm, with_metadata=True)
        items: IO[str] | None = None
        if opts.items:
            Path(opts.items).parent.mkdir(parents=True, exist_ok=True)
            items = open(opts.items, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        results: list[PageResult] = []
        try:
            for folder in folders:
                results.extend(evaluate_folder(folder, reader, items))
        finally:
            if items is not None:
                items.close()
        print(format_table(results))
        print()
        print(format_heading_recall(results))
        errors = [(r, n, o.error) for r in results for n, o in r.outcomes.items() if o.error]
        if errors:
            print(f"\n{len(errors)} reading(s) raised (scored as empty):")
            for result, name, error in errors:
                print(f"- {result.dataset}/{result.page.id} {name}: {error}")
        if opts.worst > 0:
            print()
            print(format_worst(results, opts.worst))


def dataset_name(folder: Path) -> str:
    return folder.name or folder.resolve().name


def evaluate_folder(
    folder: Path, reader: Callable[..., Any], items: IO[str] | None
) -> list[PageResult]:
    """Every extractor over every page of one folder, timed page by page."""
    name = dataset_name(folder)
    results = []
    for page in load_dataset(folder):
        url = page.url or f"http://benchmark.invalid/{page.id}.html"
        outcomes = {
            PLAIN: _plain_text(page, include_comments=True),
            PLAIN_NO_COMMENTS: _plain_text(page, include_comments=False),
            OURS: _ours(page, reader, url),
        }
        _plain_fields(page, outcomes[PLAIN])
        result = PageResult(name, page, outcomes)
        results.append(result)
        if items is not None:
            items.write(json.dumps(_item(result), ensure_ascii=False, default=str))
            items.write("\n")
    return results


def _plain_text(page: Page, include_comments: bool) -> Outcome:
    """Trafilatura's txt output with one comments setting, timed."""
    started = time.perf_counter()
    error = None
    try:
        text = trafilatura.extract(page.html, include_comments=include_comments) or ""
    except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not fatal
        text, error = "", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    return Outcome(score_page(page.body, text, page.cjk), seconds, error=error)


def _plain_fields(page: Page, outcome: Outcome) -> None:
    """Plain trafilatura's metadata (``bare_extraction(with_metadata=True)``), untimed."""
    doc: Document | None = None
    try:
        found = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
        doc = found if isinstance(found, Document) else None  # a dict only with as_dict=True
    except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not fatal
        outcome.error = f"{type(exc).__name__}: {exc}"
    title = doc.title if doc is not None else None
    authors = split_authors(doc.author if doc is not None else None)
    date = doc.date if doc is not None else None
    outcome.values = {"title": title, "authors": authors, "published": date}
    outcome.scores = field_scores(page, title, authors, date)


def _ours(page: Page, reader: Callable[..., Any], url: str) -> Outcome:
    """Our reader on the page, timed; a raise is reported and scored as an empty reading."""
    started = time.perf_counter()
    reading, error = None, None
    try:
        reading = reader(page.html, url)
    except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not fatal
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("reader raised on %s: %s", page.id, error)
    seconds = time.perf_counter() - started
    fields: dict[str, Any] = dict(reading.fields) if reading is not None else {}
    text = fields.get("text") or ""
    outcome = Outcome(score_page(page.body, text, page.cjk), seconds, error=error)
    outcome.values = {
        **fields,
        "kind": reading.kind if reading is not None else None,
        "reason": reading.reason if reading is not None else None,
        "signals": reading.signals if reading is not None else None,
    }
    outcome.scores = field_scores(
        page, fields.get("title"), fields.get("authors"), fields.get("published")
    )
    return outcome


def _rounded(scores: dict[str, float | None]) -> dict[str, float | None]:
    return {k: None if v is None else round(v, 4) for k, v in scores.items()}


def _item(result: PageResult) -> dict[str, Any]:
    """Our reading of the page, its truth (without the body), and both sides' per-field scores."""
    page = result.page
    ours, plain = result.outcomes[OURS], result.outcomes[PLAIN]
    no_comments = result.outcomes[PLAIN_NO_COMMENTS]
    return {
        "id": page.id,
        "dataset": result.dataset,
        "group": page.group,
        **ours.values,
        "error": ours.error,
        "truth": {"title": page.title, "authors": page.authors, "published": page.published},
        "scores": {"text_f1": round(ours.text.f1, 4), **_rounded(ours.scores)},
        "trafilatura": {
            **plain.values,
            "scores": {
                "text_f1": round(plain.text.f1, 4),
                "text_f1_no_comments": round(no_comments.text.f1, 4),
                **_rounded(plain.scores),
            },
        },
    }


def _mean(values: Iterable[float | None]) -> tuple[float, int] | None:
    known = [v for v in values if v is not None]
    return (statistics.mean(known), len(known)) if known else None


def _cell(value: tuple[float, int] | None) -> str:
    return "–" if value is None else f"{value[0]:.3f} ({value[1]})"


def _rows(label: str, group: str, results: list[PageResult]) -> list[str]:
    """One table line per extractor over these pages."""
    lines = []
    plain_seconds = sum(r.outcomes[PLAIN].seconds for r in results) or 1e-9
    for name in EXTRACTORS:
        outcomes = [r.outcomes[name] for r in results]
        m = metrics(o.text for o in outcomes)
        seconds = sum(o.seconds for o in outcomes)
        rate = len(outcomes) / seconds if seconds else 0.0
        cells = [_cell(_mean(o.scores.get(f) for o in outcomes)) for f in FIELDS]
        lines.append(
            f"| {label} | {group} | {name} | {m.pages} | {m.precision:.3f} | {m.recall:.3f} "
            f"| {m.f1:.3f} | {' | '.join(cells)} | {rate:.1f} | {seconds / plain_seconds:.2f}x |"
        )
    return lines


def format_table(results: list[PageResult]) -> str:
    """A Markdown table: per set (and per language group where a set has two), per extractor.

    Field cells are the mean over pages with truth for that field, the page count in brackets;
    trafilatura's fields come from ``bare_extraction`` and show on its defaults row.
    """
    lines = [
        "| set | lang | extractor | pages | text P | text R | text F1 | "
        + " | ".join(FIELD_HEADERS)
        + " | pages/s | time/page vs plain |",
        "|" + "---|" * (9 + len(FIELDS)),
    ]
    sets = list(dict.fromkeys(r.dataset for r in results))
    for name in sets:
        pages = [r for r in results if r.dataset == name]
        groups = sorted({r.page.group for r in pages})
        lines.extend(_rows(name, "all" if len(groups) > 1 else groups[0], pages))
        if len(groups) > 1:
            for group in groups:
                lines.extend(_rows(name, group, [r for r in pages if r.page.group == group]))
    if len(sets) > 1:
        for group in sorted({r.page.group for r in results}):
            lines.extend(_rows("all sets", group, [r for r in results if r.page.group == group]))
    return "\n".join(lines)


def format_heading_recall(results: list[PageResult]) -> str:
    """Per set: the truth bodies' subheadings (by their form) that our Markdown body gives
    as headings (``crawler.headingrecall``)."""
    totals: dict[str, list[int]] = {}
    for result in results:
        markdown = result.outcomes[OURS].values.get("markdown")
        found, total = heading_recall(result.page.body, markdown)
        sums = totals.setdefault(result.dataset, [0, 0])
        sums[0] += found
        sums[1] += total
    parts = [
        f"{name} {found}/{total} ({found / total:.3f})"
        for name, (found, total) in totals.items()
        if total
    ]
    return "Subheadings of the truth as Markdown headings: " + ("; ".join(parts) or "none")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def format_worst(results: list[PageResult], count: int) -> str:
    """Our ``count`` lowest-scoring pages per set and field: id, score, ours vs truth."""
    lines = []
    truths = {"title_exact": "title", "authors_f1": "authors", "published_day": "published"}
    for name in dict.fromkeys(r.dataset for r in results):
        pages = [r for r in results if r.dataset == name]
        for fld in ("text_f1", *FIELDS[:3]):
            scored = []
            for r in pages:
                ours, plain = r.outcomes[OURS], r.outcomes[PLAIN]
                mine = ours.text.f1 if fld == "text_f1" else ours.scores.get(fld)
                theirs = plain.text.f1 if fld == "text_f1" else plain.scores.get(fld)
                if mine is not None and mine < 1.0:
                    scored.append((mine, -(theirs or 0.0), r, theirs))
            if not scored:
                continue
            scored.sort(key=lambda s: (s[0], s[1], s[2].page.id))
            lines.append(f"### {name}: worst {fld} ({len(scored)} pages below 1.0)")
            for mine, _, r, theirs in scored[:count]:
                if fld == "text_f1":
                    ours_text = r.outcomes[OURS].values.get("text") or ""
                    score = r.outcomes[OURS].text
                    detail = (
                        f"P {score.precision:.2f} R {score.recall:.2f}, "
                        f"{len(ours_text)} chars vs truth {len(r.page.body)}"
                    )
                else:
                    key = truths[fld]
                    truth = {"title": r.page.title, "authors": r.page.authors}.get(
                        key, r.page.published
                    )
                    detail = (
                        f"ours {_shown(r.outcomes[OURS].values.get(key))} "
                        f"vs truth {_shown(truth)} "
                        f"(trafilatura {_shown(r.outcomes[PLAIN].values.get(key))})"
                    )
                plain_cell = "–" if theirs is None else f"{theirs:.2f}"
                lines.append(f"- `{r.page.id}` {mine:.2f} (traf. {plain_cell}): {detail}")
            lines.append("")
    return "\n".join(lines)
