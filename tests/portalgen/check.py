"""What a crawl (or a direct reading) of generated portals must give, check by check.

Each check returns failure messages naming the article and its template's combination of
parts, so a failing seed points at the combination to turn into a golden test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from tests.portalgen.portal import ArticleCase, GeneratedPortal

Item = dict[str, Any]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _lines(item: Item | None) -> list[str]:
    return [line for line in (item or {}).get("text", "").split("\n") if line.strip()]


def _made_of(line: str, tokens: Iterable[str]) -> bool:
    """The line is nothing but these labels (in any order, any spacing and separators)."""
    rest = squash(line)
    for token in sorted({squash(t) for t in tokens if t}, key=len, reverse=True):
        rest = rest.replace(token, "")
    return bool(squash(line)) and not re.sub(r"[|｜/·•,，:：]", "", rest)


def _where(case: ArticleCase) -> str:
    return f"{case.url} [{case.template.describe()}{', brief' if case.brief else ''}]"


# -- the checks: (case, its item or None) -> failure message or None -------------------------
def delivered(case: ArticleCase, item: Item | None) -> str | None:
    return None if item is not None else "not delivered"


def no_headline_at_start(case: ArticleCase, item: Item | None) -> str | None:
    head = [squash(line) for line in _lines(item)[:3]]
    bad = [x for x in (case.title, case.date_line) if squash(x) in head]
    return f"text starts with {bad}" if item and bad else None


def body_complete(case: ArticleCase, item: Item | None) -> str | None:
    if item is None:
        return None
    text = squash(item.get("text", ""))
    missing = [p[:30] for p in case.paragraphs if squash(p) not in text]
    return f"paragraphs missing: {missing}" if missing else None


def paragraphs_are_lines(case: ArticleCase, item: Item | None) -> str | None:
    if item is None:
        return None
    lines = {squash(line) for line in _lines(item)}
    merged = [p[:30] for p in case.paragraphs if squash(p) not in lines and len(p) > 20]
    return f"not a line of its own: {merged}" if merged else None


def no_share_labels(case: ArticleCase, item: Item | None) -> str | None:
    bad = [line for line in _lines(item) if case.leak.share and _made_of(line, case.leak.share)]
    return f"share bar in text: {bad}" if bad else None


def no_tool_labels(case: ArticleCase, item: Item | None) -> str | None:
    bad = [line for line in _lines(item) if case.leak.tools and _made_of(line, case.leak.tools)]
    bad += [line for line in _lines(item) if any(t in line for t in ("打印", "收藏", "字号"))]
    return f"tool labels in text: {bad}" if bad else None


def no_byline_lines(case: ArticleCase, item: Item | None) -> str | None:
    marks = [squash(b) for b in case.leak.byline]
    bad = [line for line in _lines(item) if any(squash(line).startswith(m) for m in marks)]
    return f"byline/source/editor line in text: {bad}" if bad else None


def no_teasers(case: ArticleCase, item: Item | None) -> str | None:
    titles = [squash(t) for t in case.leak.teasers]
    bad = [line for line in _lines(item) if any(squash(line).startswith(t) for t in titles)]
    return f"teaser headlines in text: {bad[:3]}" if bad else None


def no_widget(case: ArticleCase, item: Item | None) -> str | None:
    bad = [
        line for line in _lines(item) if any(squash(w) in squash(line) for w in case.leak.widget)
    ]
    return f"in-body widget in text: {bad}" if bad else None


def authors_right(case: ArticleCase, item: Item | None) -> str | None:
    if item is None:
        return None
    got = sorted(item.get("authors") or [])
    return None if got == sorted(case.authors) else f"authors {got}, want {sorted(case.authors)}"


def title_right(case: ArticleCase, item: Item | None) -> str | None:
    if item is None:
        return None
    return None if item.get("title") == case.title else f"title {item.get('title')!r}"


def published_right(case: ArticleCase, item: Item | None) -> str | None:
    if item is None:
        return None
    got = item.get("published") or ""
    return None if got.startswith(case.published) else f"published {got!r}, want {case.published}"


CHECKS: dict[str, Callable[[ArticleCase, Item | None], str | None]] = {
    "delivered": delivered,
    "no_headline_at_start": no_headline_at_start,
    "body_complete": body_complete,
    "paragraphs_are_lines": paragraphs_are_lines,
    "no_share_labels": no_share_labels,
    "no_tool_labels": no_tool_labels,
    "no_byline_lines": no_byline_lines,
    "no_teasers": no_teasers,
    "no_widget": no_widget,
    "authors_right": authors_right,
    "title_right": title_right,
    "published_right": published_right,
}
# Template-determined checks: every article of one template must give the same outcome.
TEMPLATE_CHECKS = (
    "delivered",
    "no_share_labels",
    "no_tool_labels",
    "no_byline_lines",
    "authors_right",
)


def run_checks(portals: list[GeneratedPortal], items: list[Item]) -> dict[str, list[str]]:
    """Failures by check name (every check present, an empty list when it passes), plus
    ``same_template_same_outcome``."""
    by_url = {item.get("url"): item for item in items}
    failures: dict[str, list[str]] = {name: [] for name in CHECKS}
    failures["same_template_same_outcome"] = []
    for portal in portals:
        outcomes: dict[tuple[str, ...], list[str]] = {}
        for case in portal.articles:
            item = by_url.get(case.url)
            failed = []
            for name, check in CHECKS.items():
                message = check(case, item)
                if message:
                    failures[name].append(f"{_where(case)}: {message}")
                    failed.append(name)
            key = tuple(n for n in failed if n in TEMPLATE_CHECKS)
            outcomes.setdefault(key, []).append(case.url)
        if len(outcomes) > 1:
            failures["same_template_same_outcome"].append(
                f"{portal.template.name} [{portal.template.describe()}]: "
                + "; ".join(f"{list(k) or 'ok'} on {len(v)}" for k, v in outcomes.items())
            )
    return failures
