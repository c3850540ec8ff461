"""The published date: each saved page in tests/golden_dates reads into its expected value.

One folder per failure class (``page.html`` beside ``expected.json``, whose ``note`` says what
the page tests): a forum post header below a long sidebar, a magazine source line giving a
month, an en-US server clock in a Chinese info line, a German info line between a caption and
teasers, a date box after the body, an update named before the publication, a day-only
structured date. The value must equal the expected one exactly (precision and offset too).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipelines.validate import article_validator
from reader import read_page
from reader.published import (
    DateEvidence,
    choose,
    dates_in,
    labelled_dates,
    parse_structured,
    url_date,
)

GOLDEN = Path(__file__).parent / "golden_dates"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "expected.json").exists())
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_golden_page_published(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    html = (folder / "page.html").read_text(encoding="utf-8")
    reading = read_page(html, expected["url"])
    assert reading.fields["published"] == expected["published"], expected["note"]


@pytest.mark.parametrize(
    ("text", "tz", "want"),
    [
        ("2005年6月14日 03:25", CST, "2005-06-14T03:25:00+08:00"),
        ("2005年06月14日03时25分", CST, "2005-06-14T03:25:00+08:00"),
        ("发表于 2005-6-14", CST, "2005-06-14"),
        ("2005/06/14 03:25:55", None, "2005-06-14T03:25:55"),
        ("9/17/2004 5:54:13 AM", None, "2004-09-17T05:54:13"),
        ("10/9/2005 8:05:41 PM", None, "2005-10-09T20:05:41"),
        ("28.04.2023", None, "2023-04-28"),
        ("06.01.2026, 14:10", None, "2026-01-06T14:10:00"),
        ("13. Mai 2026 um 15:44", None, "2026-05-13T15:44:00"),
        ("1er avril 2025 à 15h25", None, "2025-04-01T15:25:00"),
        ("3 de marzo de 2024", None, "2024-03-03"),
        ("12 maggio 2024, ore 10:05", None, "2024-05-12T10:05:00"),
        ("14. března 2024", None, "2024-03-14"),
        ("May 2, 2024 at 3:05 p.m.", None, "2024-05-02T15:05:00"),
        ("Saturday, September 10th, 2005 10:56 am", None, "2005-09-10T10:56:00"),
        ("——《北京之春》1998年3月号", None, "1998-03"),
        ("2024-05-02T10:00:00+02:00", None, "2024-05-02T10:00:00+02:00"),
    ],
)
def test_dates_in_visible_text(text: str, tz: timezone | None, want: str) -> None:
    found = dates_in(text, tz)
    assert found and found[0].value == want


def test_no_date_in_numbers_that_are_not_dates() -> None:
    assert dates_in("索引号 11220000013544357T/2022-00426, 电话 0591-87654321", None) == []
    assert dates_in("32.13.2024", None) == []


@pytest.mark.parametrize(
    ("line", "previous", "labels"),
    [
        ("更新时间：2025-03-12 09:40 | 发布时间：2025-03-10 16:05", "", ["modified", "published"]),
        ("Published 2 May 2024 | Updated 3 May 2024 10:00", "", ["published", "modified"]),
        ("Aktualisiert am 03.05.2024", "", ["modified"]),
        ("Akt.: 29. Juni 2025 - 21.18 Uhr", "", ["modified"]),
        ("Publié le 2 mai 2024 | Mis à jour le 03/05/2024 à 10h05", "", ["published", "modified"]),
        ("Member since 2019-01-01", "", ["other"]),
        ("28.04.2023", "Datum", ["published"]),
        ("注册时间：2003-01-08", "", ["other"]),
        ("回复 2006-4-19 08:15:02 游客小李", "", ["other"]),
        ("2025-03-10 16:05 来源：滨江日报", "", [""]),
        ("입력 2024.05.02. 10:30 수정 2024.05.03. 09:00", "", ["published", "modified"]),
        ("公開日：2024年5月2日 10:30 更新日：2024年5月3日", "", ["published", "modified"]),
    ],
)
def test_labels_tell_published_from_updates_and_profiles(
    line: str, previous: str, labels: list[str]
) -> None:
    assert [f.label for f in labelled_dates(line, previous, None, None)] == labels


@pytest.mark.parametrize(
    ("value", "tz", "want"),
    [
        ("2018", None, "2018"),
        ("2005-03", None, "2005-03"),
        ("2025-11-06", CST, "2025-11-06"),
        ("2024-05-02T23:30:00-04:00", CST, "2024-05-02T23:30:00-04:00"),
        ("2022-01-28 00:00:00", CST, "2022-01-28T00:00:00+08:00"),
        ("2024-05-02T08:00:00Z", None, "2024-05-02T08:00:00+00:00"),
        ("Fri Apr 28 19:20:36 CEST 2023", None, "2023-04-28T19:20:36+02:00"),
        ("Thu, 02 May 2024 08:00:00 GMT", None, "2024-05-02T08:00:00+00:00"),
    ],
)
def test_structured_values_keep_precision_and_offset(
    value: str, tz: timezone | None, want: str
) -> None:
    assert parse_structured(value, tz) == want


def test_future_and_ancient_dates_are_refused() -> None:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    lines = ["Headline of the story", "Event on 12.09.2031", "1.1.1970", "Body " * 20 + "end."]
    evidence = DateEvidence(page_lines=lines, headline_index=0)
    assert choose(evidence, [lines[-1]], "https://example.org/story", None, now=now) is None
    evidence.structured = ["2031-09-12T10:00:00Z", "2025-05-30"]
    assert choose(evidence, [lines[-1]], "https://example.org/story", None, now=now) == (
        "2025-05-30"
    )


def test_url_date() -> None:
    assert url_date("https://example.org/2024/05/02/story") == "2024-05-02"
    assert url_date("http://example.cn/news/20240502/123.html") == "2024-05-02"
    assert url_date("http://example.cn/news/2024-13-45/123.html") is None
    assert url_date("https://example.org/story-20241") is None


@pytest.mark.parametrize(
    ("value", "valid"),
    [("1998-03", True), ("2018", True), ("2025-03-10T16:05:00+08:00", True), ("1998-3", False)],
)
def test_schema_takes_the_precision_the_page_gives(value: str, valid: bool) -> None:
    validator = article_validator()
    errors = [
        e for e in validator.iter_errors({"published": value}) if list(e.path) == ["published"]
    ]
    assert (not errors) == valid


def test_utc_structured_time_keeps_the_pages_wall_clock() -> None:
    """JSON-LD in UTC, the dateline in Paris time: the value is the page's clock, offset kept."""
    body = "马克龙星期一在莫斯科与普京会面，双方就乌克兰局势交换了意见，会谈持续了五个多小时。"
    lines = ["马克龙星期一在莫斯科与普京会面", "发表时间： 06/02/2022 - 13:48", body]
    evidence = DateEvidence(structured=["2022-02-06T12:48:06Z"], page_lines=lines, headline_index=0)
    got = choose(evidence, [body], "https://example.org/a", CST, "zh")
    assert got == "2022-02-06T13:48:06+01:00"
    evidence.page_lines = [lines[0], "发表时间： 06/02/2022", body]
    assert choose(evidence, [body], "https://example.org/a", CST, "zh") == (
        "2022-02-06T12:48:06+00:00"
    )


def test_a_generic_date_meta_does_not_add_an_update_time() -> None:
    """JSON-LD says the day; dc.date (any date, here the 'Stand' update) must not add its time."""
    evidence = DateEvidence(structured=["2024-04-22", "2024-04-22T06:00+02:00"])
    evidence.explicit = ["2024-04-22"]
    assert choose(evidence, [], "https://example.org/a", None) == "2024-04-22"
    evidence.explicit = ["2024-04-22", "2024-04-22T06:00+02:00"]
    assert choose(evidence, [], "https://example.org/a", None) == "2024-04-22T06:00:00+02:00"


def test_a_caption_date_is_not_the_articles() -> None:
    body = "The board voted on Thursday to approve the new library, ending a three-year debate."
    lines = [
        "Board approves library",
        "An old bus depot on the site, on Aug. 31, 2019. (AP)",
        "By Jane Roe on Monday, November 18th, 2019 at 11:04 a.m.",
        body,
    ]
    evidence = DateEvidence(page_lines=lines, headline_index=0)
    assert choose(evidence, [body], "https://example.org/a", None, "en") == "2019-11-18T11:04:00"


def test_utc_past_midnight_keeps_the_day_the_page_shows() -> None:
    body = "Five companies were added to the lunar lander program, the agency said on Monday."
    lines = ["NASA adds five companies", "by Jeff Roe — November 18, 2019", body]
    evidence = DateEvidence(
        structured=["2019-11-19T04:50:22+00:00"], page_lines=lines, headline_index=0
    )
    assert choose(evidence, [body], "https://example.org/a", None, "en") == "2019-11-18"
    evidence.structured.append("2019-11-18 20:50:00 -0800")
    assert choose(evidence, [body], "https://example.org/a", None, "en") == (
        "2019-11-18T20:50:22-08:00"
    )


@pytest.mark.parametrize(
    "value",
    ["Mon, 01 Jan 0001 00:00:00 +1400", "9999-12-31T23:59:59-23:59", "2024-02-30", "[2024-13]"],
)
def test_odd_structured_values_read_as_nothing_or_a_date_never_raise(value: str) -> None:
    got = parse_structured(value, CST)
    assert got is None or got[:4].isdigit()


def test_a_url_that_cannot_be_split_has_no_date() -> None:
    assert url_date("http://[ccpa-preferences]/2024/05/02/story") is None


@pytest.mark.parametrize(
    "markup",
    [
        # itemprop first, then a <time pubdate>; the reverse; one element with both; a meta
        # tag's itemprop (read from the meta values, not here); neither.
        '<span itemprop="datePublished">2021-03-04</span><time pubdate datetime="2020-01-02">x</time>',
        '<time pubdate datetime="2020-01-02">x</time><span itemprop="datePublished">2021-03-04</span>',
        '<time itemprop="datePublished" pubdate datetime="2020-01-02">x</time>',
        '<meta itemprop="datePublished" content="2019-05-06"><time datetime="2018-07-08">x</time>',
        '<div itemprop="datePublished" content="2022-09-10"></div>',
        "<p>No marked date.</p>",
    ],
)
def test_marked_dates_in_document_order(markup: str) -> None:
    """The elements that mark the published date are read in the page's order (the first
    one is the structured value preferred), each once."""
    import lxml.html
    from lxml import etree

    from reader.published import gather

    tree = lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")
    marked = etree.XPath("//*[@itemprop='datePublished'][not(self::meta)] | //time[@pubdate]")(tree)
    want = [el.get("content") or el.get("datetime") or el.text_content() for el in marked]
    assert gather(tree, {}, None, [], None, None).explicit == want
