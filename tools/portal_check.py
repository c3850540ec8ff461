"""Read every page of the demo portal templates offline and score what read_page makes of it.

Prints, per template: pages misclassified, titles/dates/authors wrong, chrome left in text.
A development aid for tuning extraction without running crawls:
    .venv/bin/python tools/portal_check.py [template ...] [--seed N] [-v]
"""

from __future__ import annotations

import sys
from collections import Counter

from w3lib.encoding import html_to_unicode

from crawler.benchmark import score_page
from demo.builder import build_portal
from demo.templates import HELD_OUT_TEMPLATES, TEMPLATES
from reader import read_page


def decode(body: bytes, ctype: str) -> str:
    _, text = html_to_unicode(ctype, body)
    return text


def check(template: str, seed: int, verbose: bool) -> Counter[str]:
    portal = build_portal(template, "http://127.0.0.1:8000", n_articles=14, seed=seed)
    truth = portal.truth
    score: Counter[str] = Counter()
    for key, (body, ctype) in portal.pages.items():
        if "html" not in ctype:
            continue
        url = portal.url(key)
        if url in truth.disallowed:
            continue
        reading = read_page(decode(body, ctype), url)
        expected = truth.articles.get(url)
        if expected is None:
            score["non-articles"] += 1
            if reading.kind == "article":
                score["listing as article"] += 1
                if verbose:
                    print("  LISTING AS ARTICLE", url, reading.signals)
            continue
        score["articles"] += 1
        if reading.kind != "article":
            score["article missed"] += 1
            if verbose:
                print("  MISSED", url, reading.kind, reading.reason, reading.signals)
            continue
        f = reading.fields
        if f["title"] != expected.title:
            score["title wrong"] += 1
            if verbose:
                print("  TITLE", repr(f["title"]), "!=", repr(expected.title))
        if not (f["published"] or "").startswith(expected.published[:16]):
            score["date wrong"] += 1
            if verbose:
                print("  DATE", f["published"], "!=", expected.published)
        if sorted(f["authors"]) != sorted(expected.authors):
            score["authors wrong"] += 1
            if verbose:
                print("  AUTHORS", f["authors"], "!=", expected.authors)
        left = [c for c in expected.chrome if c in f["text"]]
        if left:
            score["chrome left"] += 1
            if verbose:
                print("  CHROME", url, left[:4])
        page_f1 = score_page(
            "\n".join(expected.paragraphs), f["text"], cjk=expected.language == "zh"
        ).f1
        score["f1 x1000"] += round(page_f1 * 1000)
        if page_f1 < 0.95 and verbose:
            print("  F1", round(page_f1, 3), url)
        missing = [p for p in expected.paragraphs if p[:30] not in f["text"]]
        if missing:
            score["paragraph missing"] += 1
            if verbose:
                print("  MISSING", url, [m[:40] for m in missing[:3]])
    return score


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    every = {**TEMPLATES, **HELD_OUT_TEMPLATES}
    names = [a for a in argv if a in every] or list(TEMPLATES)
    if "--held-out" in argv:
        names = list(HELD_OUT_TEMPLATES)
    for name in names:
        result = check(name, seed, verbose)
        result["mean f1 x1000"] = result.pop("f1 x1000", 0) // max(1, result["articles"])
        print(name, dict(result))


if __name__ == "__main__":
    main(sys.argv[1:])
