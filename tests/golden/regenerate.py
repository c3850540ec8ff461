"""Regenerate the golden extraction fixtures from the demo builder.

One folder per page: `page.html` (the bytes a server sends) and `expected.json` (what a
clean extraction must give). Review changes as a diff. `--check` exits 1 when the files on
disk differ from what the builder produces now (used by the test suite).

    python tests/golden/regenerate.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo.builder import build_portal  # noqa: E402
from demo.corpus import load_corpus  # noqa: E402
from demo.model import SUBHEADING_PREFIX, Article, ArticleTruth  # noqa: E402

HERE = Path(__file__).resolve().parent

BASES = {
    "zh_mobile": "https://m.zuixinzixun.example",
    "zh_classic": "http://www.jiangnan-news.example.cn",
    "en_modern": "https://www.dailyexample.test",
    "en_herald": "http://www.exampleherald.test",
}


@dataclass(frozen=True)
class Case:
    """One fixture: a folder name, the template and the corpus article id."""

    folder: str
    template: str
    article_id: int
    why: str


CASES = (
    Case(
        "seed_wujiang_police",
        "zh_mobile",
        1,
        "the seed page: mobile header, 文/ byline, 最新文章 teasers, gb2312 meta only",
    ),
    Case(
        "zh_mobile_pocket_parks",
        "zh_mobile",
        5,
        "subheadings as <strong> paragraphs, lead image, <meta charset=gbk>",
    ),
    Case("zh_mobile_ev_subsidy", "zh_mobile", 8, "plain story, gbk meta"),
    Case(
        "zh_classic_livestream",
        "zh_classic",
        9,
        "<br> body, own 记者/通讯员 line and (完) line, image",
    ),
    Case(
        "zh_classic_sodium_battery",
        "zh_classic",
        13,
        "<br> body, 本报讯（记者…） glued to first paragraph, (完) glued to last, subheadings",
    ),
    Case(
        "en_modern_ai_tutoring",
        "en_modern",
        11,
        "JSON-LD, two authors, subheadings, ads and inline Read more",
    ),
    Case("en_modern_downtown_rents", "en_modern", 8, "JSON-LD, two authors, comments, no image"),
    Case(
        "en_herald_river_exhibit",
        "en_herald",
        21,
        "table layout, subheadings in <b>, text-only date line, cp1252",
    ),
    Case("en_herald_snowstorm", "en_herald", 4, "ALL-CAPS staff-writer byline, <time datetime>"),
)


def _snippet(text: str, start: int, size: int) -> str:
    return text[start : start + size].strip()


def must_contain(art: Article) -> list[str]:
    """Body snippets that a clean text must include (start, middle, end, a subheading)."""
    paras = art.paragraphs
    size = 14 if art.language == "zh" else 40
    picks = [
        _snippet(paras[0], 0, size),
        _snippet(paras[len(paras) // 2], 0, size),
        paras[-1][-size:].strip(),
    ]
    picks += [
        line.removeprefix(SUBHEADING_PREFIX)
        for line in art.body
        if line.startswith(SUBHEADING_PREFIX)
    ][:1]
    return list(dict.fromkeys(picks))


def expected(truth: ArticleTruth, art: Article, case: Case) -> dict[str, object]:
    """The expected.json content for one page."""
    paras = truth.paragraphs
    size = 20 if art.language == "zh" else 50
    starts = "近年来" if case.article_id == 1 and art.language == "zh" else paras[0][:size]
    ends = paras[-1] if len(paras[-1]) <= 60 else paras[-1][-size:]
    return {
        "note": case.why,
        "url": truth.url,
        "title": truth.title,
        "authors": list(truth.authors),
        "published": truth.published,
        "language": truth.language,
        "site_name": truth.site_name,
        "section": truth.section,
        "tags": list(truth.tags),
        "image": truth.image,
        "must_contain": must_contain(art),
        "must_not_contain": [c for c in truth.chrome if len(c) >= 2],
        "text_starts_with": starts,
        "text_ends_with": ends,
    }


def render(case: Case) -> tuple[bytes, str, str]:
    """(page bytes, content type, expected.json text) for a case."""
    corpus = load_corpus("zh" if case.template.startswith("zh") else "en")
    portal = build_portal(case.template, BASES[case.template], articles=corpus)
    art = next(a for a in corpus if a.id == case.article_id)
    url = portal.article_url(art.id)
    body, ctype = portal.pages[portal.template.article_path(art)]
    data = expected(portal.truth.articles[url], art, case)
    data["content_type"] = ctype
    return body, ctype, json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) every fixture folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on drift")
    args = parser.parse_args(argv)
    drift = []
    for case in CASES:
        body, _, exp = render(case)
        folder = HERE / case.folder
        page, exp_file = folder / "page.html", folder / "expected.json"
        if args.check:
            same = (
                page.exists()
                and page.read_bytes() == body
                and exp_file.read_text(encoding="utf-8") == exp
            )
            if not same:
                drift.append(case.folder)
            continue
        folder.mkdir(exist_ok=True)
        page.write_bytes(body)
        exp_file.write_text(exp, encoding="utf-8")
    if drift:
        print("golden fixtures out of date: " + ", ".join(drift), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
