"""`scrapy evaluate`'s field metrics on hand-made cases, and the command on a tiny benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from scrapy.utils.misc import load_object

from crawler.benchmark import (
    Page,
    authors_f1,
    parse_when,
    published_day,
    published_minute,
    score_page,
    title_exact,
)

ROOT = Path(__file__).resolve().parent.parent


def test_title_exact_squashes_whitespace_and_nfkc_but_keeps_case() -> None:
    assert title_exact("Rain  in\nMadrid", " Rain in Madrid ") == 1.0
    assert title_exact("Ｒａｉｎ 2024", "Rain 2024") == 1.0  # full-width forms (NFKC)
    assert title_exact("Rain in Madrid", "rain in madrid") == 0.0
    assert title_exact("Rain in Madrid", "Rain in Madrid | The Daily") == 0.0
    assert title_exact("Rain in Madrid", None) == 0.0
    assert title_exact(None, "Anything") is None


def test_authors_f1_compares_name_sets_after_casefold() -> None:
    assert authors_f1(["Anna Fink", "Jan Marchart"], ["jan  marchart", "ANNA FINK"]) == 1.0
    assert authors_f1(["Anna Fink", "Jan Marchart"], ["Anna Fink"]) == 2 / 3
    assert authors_f1(["Anna Fink"], ["Anna Fink", "Jan Marchart", "Print"]) == 0.5
    assert (
        authors_f1(["Felix Schröder", "Jörg Soldwisch"], ["Felix Schröder und Jörg Soldwisch"])
        == 0.0
    )
    assert authors_f1(["Anna Fink", "Anna Fink"], ["anna fink"]) == 1.0  # sets, not lists


def test_authors_f1_empty_truth_and_null_truth() -> None:
    assert authors_f1([], []) == 1.0
    assert authors_f1([], None) == 1.0
    assert authors_f1([], ["Newsroom"]) == 0.0
    assert authors_f1(["张三"], []) == 0.0
    assert authors_f1(None, ["Anyone"]) is None


def test_published_day_at_the_truths_precision() -> None:
    assert published_day("2018", "2018-11-02T10:00:00+08:00") == 1.0
    assert published_day("2018", "2019-01-01") == 0.0
    assert published_day("2005-03", "2005-03-30") == 1.0
    assert published_day("2005-03", "2005-04-01") == 0.0
    assert published_day("2005-03-11", "2005-03-11T23:59:00") == 1.0
    assert published_day("2005-03-11", "2005-03") == 0.0  # too coarse to name the day
    assert published_day("2005-03-11", None) == 0.0
    assert published_day("2005-03-11", "yesterday") == 0.0
    assert published_day(None, "2005-03-11") is None


def test_published_day_in_the_truths_own_time() -> None:
    # The same instant: 23:30 UTC is already the next day in Berlin; judged in the truth's zone.
    assert published_day("2024-05-03T23:30:00+00:00", "2024-05-04T01:30:00+02:00") == 1.0
    assert published_day("2024-05-04T01:30:00+02:00", "2024-05-03T23:30:00Z") == 1.0
    # No offset on the truth (local time as shown): the prediction's own wall clock counts.
    assert published_day("2005-03-21T00:10", "2005-03-21T00:10:00+08:00") == 1.0
    # A date without time is compared with the truth's date in the truth's zone.
    assert published_day("2024-05-03T23:30:00+00:00", "2024-05-03") == 1.0
    assert published_day("2024-05-03T23:30:00+00:00", "2024-05-04") == 0.0


def test_published_minute_only_where_both_carry_a_time() -> None:
    truth = "2024-05-03T15:47:42.389000+00:00"
    assert published_minute(truth, "2024-05-03T15:47:00+00:00") == 1.0
    assert published_minute(truth, "2024-05-03T17:47:59+02:00") == 1.0
    assert published_minute(truth, "2024-05-03T15:48:00+00:00") == 0.0
    assert published_minute(truth, "2024-05-03") is None
    assert published_minute("2024-05-03", "2024-05-03T15:47:00") is None
    assert published_minute("2005-03-21T11:21", "2005-03-21T11:21:40+08:00") == 1.0
    assert parse_when("2024-05-03T15:47:42Z") is not None


def test_cjk_group_by_truth_language_and_tokenised_per_character() -> None:
    def page(lang: str | None, body: str = "x") -> Page:
        return Page("p", None, "", body, lang)

    assert [page(lang).group for lang in ("zh", "ja", "ko", "zh-TW", "en", "de")] == [
        "CJK",
        "CJK",
        "CJK",
        "CJK",
        "other",
        "other",
    ]
    assert page(None, "这是一个没有语言标注的中文页面").group == "CJK"
    # Unspaced Japanese: per-character shingles credit the half that was read.
    truth, half = "東京で新しい美術館が開館しました", "東京で新しい美術館が"
    assert score_page(truth, half, cjk=True).f1 > 0.5
    assert score_page(truth, half, cjk=False).f1 == 0.0


ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>River exhibit opens | Valley Herald</title>
<meta property="og:title" content="River exhibit opens">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-05-03T09:15:00+02:00">
</head><body><header><nav><a href="/">Home</a> <a href="/local">Local</a></nav></header>
<article><h1>River exhibit opens</h1><p class="byline">By Maria Lopez</p>
<time datetime="2024-05-03T09:15:00+02:00">3 May 2024</time>
{paragraphs}
</article><footer><p>© Valley Herald</p></footer></body></html>"""

SENTENCES = [
    "The city museum opened its long awaited river exhibit on Friday morning to a crowd of "
    "families and school classes who had waited in line since dawn.",
    "Curators spent three years collecting boats, nets and photographs from the fishing "
    "villages along the lower valley, many of them lent by the families themselves.",
    "The exhibit runs until the end of September and entry is free for residents under "
    "eighteen, the museum said in a statement on its website.",
]


ZH_URL = "https://news.example.cn/society/2024/0503/a1024.html"
ZH_ARTICLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>江边博物馆新展开幕_社会新闻</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/society/">社会</a></div>
<div class="article"><h1>江边博物馆新展开幕</h1><div class="info">2024-05-03 09:15 来源：本报</div>
{paragraphs}
</div><div class="footer">版权所有</div></body></html>"""
ZH_SENTENCES = [
    "市博物馆五月三日上午正式开放期待已久的江河展览，许多家庭和学校班级一早就在门口排队等候。",
    "策展人用了三年时间，从下游沿岸的渔村收集船只、渔网和老照片，其中不少由村民家庭出借。",
    "展览将持续到九月底，本市十八岁以下居民免费参观，博物馆在其网站上发表声明作了说明。",
]


def write_set(folder: Path, truths: list[dict], pages: dict[str, str]) -> Path:
    (folder / "pages").mkdir(parents=True)
    for page_id, html in pages.items():
        (folder / "pages" / f"{page_id}.html").write_text(html, encoding="utf-8")
    lines = [json.dumps(t, ensure_ascii=False) for t in truths]
    (folder / "truth.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_scrapy_evaluate_scores_every_field_of_a_tiny_set(tmp_path: Path) -> None:
    html = ARTICLE.format(paragraphs="\n".join(f"<p>{s}</p>" for s in SENTENCES))
    body = "\n".join(SENTENCES)
    url = "https://herald.example/local/2024/05/03/river-exhibit-opens"
    truths = [
        {
            "id": "right",
            "url": url,
            "lang": "en",
            "title": "River exhibit opens",
            "authors": ["Maria Lopez"],
            "published": "2024-05-03T09:15:00+02:00",
            "body": body,
        },
        {
            # The same page with truth no reading can match: every field must score 0.
            "id": "wrong",
            "url": url,
            "lang": "en",
            "title": "Another headline",
            "authors": ["Someone Else"],
            "published": "2019-01-01T10:00:00+02:00",
            "body": "Nothing of this text is on the page at all, not a single shingle of it.",
        },
        {
            # No truth for the fields: the page counts for text only.
            "id": "untitled",
            "url": url,
            "lang": "en",
            "title": None,
            "body": body,
        },
    ]
    zh_body = "\n".join(ZH_SENTENCES)
    zh_html = ZH_ARTICLE.format(paragraphs="\n".join(f"<p>{s}</p>" for s in ZH_SENTENCES))
    # A Chinese page without field truth: its own language-group rows, text scored per character.
    truths.append({"id": "zh", "url": ZH_URL, "lang": "zh", "title": None, "body": zh_body})
    pages = {t["id"]: html for t in truths} | {"zh": zh_html}
    folder = write_set(tmp_path / "tiny-set", truths, pages)
    items = tmp_path / "out" / "items.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "evaluate", str(folder), "--items", str(items)]
        + ["--worst", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {
        line.split(" | ")[2]: line.strip("| ").split(" | ")
        for line in result.stdout.splitlines()
        if line.startswith("| tiny-set | all |")
    }
    groups = [line.split(" | ")[1] for line in result.stdout.splitlines() if "| tiny-set |" in line]
    assert groups == ["all"] * 3 + ["CJK"] * 3 + ["other"] * 3
    assert set(rows) == {
        "newscrawler",
        "trafilatura (defaults)",
        "trafilatura (include_comments=False)",
    }
    header = next(line for line in result.stdout.splitlines() if line.startswith("| set |"))
    columns = header.strip("| ").split(" | ")
    ours = dict(zip(columns, rows["newscrawler"], strict=True))
    assert ours["pages"] == "4" and ours["lang"] == "all"
    # Two pages have field truth, one right and one wrong: 0.5 over 2 pages for every field.
    for column in ("title exact", "authors F1", "published day", "published minute"):
        assert ours[column] == "0.500 (2)", (column, ours[column])
    scored = {item["id"]: item for item in map(json.loads, items.read_text().splitlines())}
    assert scored["right"]["scores"] == {
        "text_f1": 1.0,
        "title_exact": 1.0,
        "authors_f1": 1.0,
        "published_day": 1.0,
        "published_minute": 1.0,
    }
    assert scored["wrong"]["scores"] == {
        "text_f1": 0.0,
        "title_exact": 0.0,
        "authors_f1": 0.0,
        "published_day": 0.0,
        "published_minute": 0.0,
    }
    assert scored["untitled"]["scores"]["title_exact"] is None
    assert scored["untitled"]["scores"]["authors_f1"] is None
    assert scored["zh"]["group"] == "CJK" and scored["zh"]["scores"]["text_f1"] > 0.9
    assert scored["right"]["truth"]["authors"] == ["Maria Lopez"]
    assert scored["right"]["trafilatura"]["scores"]["title_exact"] == 1.0
    assert scored["right"]["trafilatura"]["authors"] == ["Maria Lopez"]
    assert "text" in scored["right"] and scored["right"]["kind"] == "article"
    assert "### tiny-set: worst title_exact" in result.stdout
    assert "`wrong`" in result.stdout
    # The truth bodies here are all sentences: no subheading to look for.
    assert "Subheadings of the truth as Markdown headings: none" in result.stdout


def reader_that_raises(html: str, url: str) -> Any:
    """The project's reader, except that it raises on a page marked ``data-raise``."""
    if "data-raise" in html:
        raise ValueError("Invalid IPv6 URL")
    return load_object("reader.read_page")(html, url)


def test_a_page_the_reader_raises_on_is_reported_and_scored_empty(tmp_path: Path) -> None:
    html = ARTICLE.format(paragraphs="\n".join(f"<p>{s}</p>" for s in SENTENCES))
    body = "\n".join(SENTENCES)
    truths = [
        {"id": "fine", "lang": "en", "title": "River exhibit opens", "body": body},
        {"id": "raises", "lang": "en", "title": "River exhibit opens", "body": body},
    ]
    pages = {"fine": html, "raises": html.replace("<article>", "<article data-raise>")}
    folder = write_set(tmp_path / "set", truths, pages)
    items = tmp_path / "items.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "evaluate", str(folder), "--items", str(items)]
        + ["-s", f"NEWS_PAGE_READER={__name__}.reader_that_raises"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 reading(s) raised" in result.stdout
    assert "set/raises newscrawler: ValueError: Invalid IPv6 URL" in result.stdout
    scored = {item["id"]: item for item in map(json.loads, items.read_text().splitlines())}
    assert scored["raises"]["error"] == "ValueError: Invalid IPv6 URL"
    assert scored["raises"]["scores"]["text_f1"] == 0.0
    assert scored["raises"]["scores"]["title_exact"] == 0.0
    assert scored["fine"]["error"] is None and scored["fine"]["scores"]["title_exact"] == 1.0
