"""Benchmarks: the dataset format, the article-extraction-benchmark's text metric, field metrics.

Reference: scrapinghub/article-extraction-benchmark ``evaluate.py``. Each page's text becomes a
bag of 4-token shingles; per page tp/fp/fn are counted between the two bags and normalised to
sum to 1; precision is the mean of tp/(tp+fp) over pages with output, recall the mean of
tp/(tp+fn) over pages with truth, F1 the harmonic mean of those two means. The one change, as
the benchmarks' README asks: in Chinese text a CJK character (or kana, hangul) is a token of its
own, since unspaced Chinese would otherwise be one ``\\w+`` token per sentence. Other pages
(the English set's Japanese and Korean pages included) keep the benchmark's plain ``\\w+``
tokens; this reproduces the README's reference figures for trafilatura (.928/.978/.953 on the
English set, .893 F1 on our 35 Chinese pages). ``scrapy evaluate`` tokenises every page of the
CJK group (truth ``lang`` zh, ja or ko) per character: ``Page.cjk``.

Field metrics, per page, ``None`` where the truth is null (the page is left out of that field):
``title_exact`` (equal after NFKC and whitespace squashing, case kept), ``authors_f1`` (F1
between the two name sets after NFKC, casefolding and whitespace squashing; both empty is 1.0),
``published_day`` (same date in the truth's own local time, at the truth's precision: a truth of
``2018`` checks the year only) and ``published_minute`` (same minute; only where both carry a
time).
"""

from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reader.cjk import CJK, HAN

SHINGLE_TOKENS = 4
_CJK = CJK
# A CJK character alone, or a run of the other word characters (Latin words, digits).
_CJK_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_WORD_TOKEN = re.compile(r"\w+")
_HAN = re.compile(f"[{HAN}]")
CJK_LANGUAGES = ("zh", "ja", "ko")


@dataclass(frozen=True)
class Page:
    """One benchmark page: its id, HTML (decoded UTF-8 text) and ground truth."""

    id: str
    url: str | None
    html: str
    body: str
    lang: str | None = None
    title: str | None = None
    authors: list[str] | None = None
    published: str | None = None

    @property
    def chinese(self) -> bool:
        """Chinese text gets per-character tokens: by its language, or its script if unknown."""
        if self.lang:
            return self.lang.lower().startswith("zh")
        return len(_HAN.findall(self.body)) > 0.3 * len(self.body.strip() or " ")

    @property
    def cjk(self) -> bool:
        """Chinese, Japanese or Korean by the truth's language (its script if unknown)."""
        if self.lang:
            return self.lang.lower().split("-")[0] in CJK_LANGUAGES
        return self.chinese

    @property
    def group(self) -> str:
        """The language group the evaluation reports apart: ``CJK`` or ``other``."""
        return "CJK" if self.cjk else "other"


@dataclass(frozen=True)
class Score:
    """tp, fp, fn of one page, normalised to sum to 1 (all 0 when both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Metrics:
    """The benchmark's figures for one extractor on one dataset."""

    precision: float
    recall: float
    f1: float
    pages: int


def tokenize(text: str, cjk: bool = False) -> list[str]:
    """``\\w+`` runs; with ``cjk``, every CJK character is a token of its own."""
    return (_CJK_TOKEN if cjk else _WORD_TOKEN).findall(text or "")


def shingles(text: str, cjk: bool = False, n: int = SHINGLE_TOKENS) -> Counter[tuple[str, ...]]:
    """Bag of n-token shingles; a text shorter than n tokens is one short shingle."""
    toks = tokenize(text, cjk)
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks)


def score_page(true: str, pred: str, cjk: bool = False) -> Score:
    """tp/fp/fn between the two shingle bags, normalised so long pages weigh no more."""
    want, got = shingles(true, cjk), shingles(pred, cjk)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return Score(0.0, 0.0, 0.0)
    return Score(tp / total, fp / total, fn / total)


def metrics(scores: Iterable[Score]) -> Metrics:
    """Mean precision over pages with output, mean recall over pages with truth, their F1."""
    scores = list(scores)
    precisions = [s.precision for s in scores if s.tp + s.fp > 0]
    recalls = [s.recall for s in scores if s.tp + s.fn > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return Metrics(p, r, 2 * p * r / (p + r) if p + r else 0.0, len(scores))


def load_dataset(folder: Path) -> Iterator[Page]:
    """Pages of a benchmark folder (``pages/<id>.html`` + ``truth.jsonl``), in truth order."""
    with (folder / "truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            truth = json.loads(line)
            html = (folder / "pages" / f"{truth['id']}.html").read_text(encoding="utf-8")
            yield Page(
                truth["id"],
                truth.get("url"),
                html,
                truth.get("body") or "",
                truth.get("lang"),
                truth.get("title"),
                truth.get("authors"),
                truth.get("published"),
            )


def squash(text: str) -> str:
    """NFKC, then every run of whitespace one space, none at the ends."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def title_exact(true: str | None, pred: str | None) -> float | None:
    """1.0 when the titles are equal after ``squash`` (case counts), else 0.0; None: no truth."""
    if true is None:
        return None
    return float(squash(true) == squash(pred or ""))


def author_key(name: str) -> str:
    """A name as the metric compares it: squashed and casefolded."""
    return squash(name).casefold()


def authors_f1(true: list[str] | None, pred: Iterable[str] | None) -> float | None:
    """F1 between the sets of names; both empty is 1.0, one empty 0.0; None: no truth."""
    if true is None:
        return None
    want = {key for key in map(author_key, true) if key}
    got = {key for key in map(author_key, pred or ()) if key}
    if not want and not got:
        return 1.0
    tp = len(want & got)
    return 2 * tp / (len(want) + len(got))


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


@dataclass(frozen=True)
class When:
    """A parsed point in time and how much of it is known: year, month, day or minute."""

    at: datetime
    precision: str

    @property
    def timed(self) -> bool:
        return self.precision == "minute"


PRECISIONS = ("year", "month", "day", "minute")


def parse_when(value: Any) -> When | None:
    """An ISO 8601 value (``2018``, ``2005-03``, a date, a date-time with or without offset)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    partial = _PARTIAL_DATE.fullmatch(text)
    try:
        if partial:
            year, month, day = partial.groups()
            at = datetime(int(year), int(month or 1), int(day or 1))
            return When(at, PRECISIONS[(month is not None) + (day is not None)])
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    timed = "T" in text or " " in text
    return When(at, "minute" if timed else "day")


def _aligned(true: When, pred: When) -> datetime:
    """The prediction as a wall clock in the truth's time: converted only when both have offsets."""
    if true.at.tzinfo is not None and pred.at.tzinfo is not None and pred.timed:
        return pred.at.astimezone(true.at.tzinfo).replace(tzinfo=None)
    return pred.at.replace(tzinfo=None)


def published_day(true: str | None, pred: Any) -> float | None:
    """Same date at the truth's precision (year, month or day); None: no (readable) truth."""
    want = parse_when(true)
    if want is None:
        return None
    got = parse_when(pred)
    level = min(PRECISIONS.index(want.precision), PRECISIONS.index("day"))
    if got is None or PRECISIONS.index(got.precision) < level:
        return 0.0
    fields = ("year", "month", "day")[: level + 1]
    at, mine = want.at, _aligned(want, got)
    return float(all(getattr(at, f) == getattr(mine, f) for f in fields))


def published_minute(true: str | None, pred: Any) -> float | None:
    """Same minute in the truth's time; None unless both carry a time of day."""
    want, got = parse_when(true), parse_when(pred)
    if want is None or got is None or not (want.timed and got.timed):
        return None
    mine = _aligned(want, got).replace(second=0, microsecond=0)
    return float(want.at.replace(tzinfo=None, second=0, microsecond=0) == mine)
