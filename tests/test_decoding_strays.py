"""A page declared UTF-8 that is UTF-8 but for a stray byte decodes as UTF-8, with U+FFFD for
the stray, as browsers do (issue 19, defect 5: it was re-decoded as cp1252, "mayorâ€™s office");
another encoding's text under a wrong UTF-8 label is still repaired."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.decoding import decode_html
from tests.crawl_harness import run_crawl
from tests.hostile_pages import listing_html
from tests.hostile_server import Handler, ScriptedServer

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>City council approves harbour budget – Riverside Gazette</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
</head><body>
<header><a href="/">Riverside Gazette</a> · <a href="/politics">Politics</a></header>
<article><h1>City council approves the harbour budget after a five-hour debate</h1>
<time datetime="2024-05-02T08:00:00Z">2 May 2024</time>
<p>The mayor’s office said on Tuesday that the council had approved the €42 million harbour
budget after a debate that ran past midnight, with nine votes in favour and four against.</p>
<p>“We have waited a decade for this,” said councillor Amélie Dubois, who chairs the
waterfront committee. “The quay walls are crumbling — every winter storm makes it worse.”</p>
<p>Opponents argued that the plan’s café and market hall would push rents up for the fishing
co-operative, whose members have worked from the old sheds since the 1950s.</p>
<p>The first contracts are to be tendered in the autumn; work on the north quay should start
next spring and take about three years, the harbour master’s team said.</p>
</article>
<footer><p>© 2024 Riverside Gazette · Contact the newsroom · STRAY</p></footer>
</body></html>"""


def with_stray(page: str, stray: bytes = b"\xff") -> bytes:
    """The page in UTF-8 with ``stray`` (bytes no UTF-8 text has) where the footer says STRAY."""
    return page.encode("utf-8").replace(b"STRAY", b"Terms" + stray)


@pytest.mark.parametrize("header", ["utf-8", None])
def test_one_stray_byte_leaves_a_declared_utf8_page_utf8(header: str | None) -> None:
    decoded = decode_html(with_stray(ARTICLE), header)
    assert decoded.encoding == "utf_8" and decoded.how == "utf-8-lenient"
    assert decoded.text == ARTICLE.replace("STRAY", "Terms\ufffd")
    assert "mayor’s office" in decoded.text and "â€" not in decoded.text


def test_a_few_strays_and_a_cut_sequence_each_become_one_replacement() -> None:
    body = with_stray(ARTICLE, b"\xc3 \xfe\xfe \xe2\x80")  # a cut "é", two strays, a cut "’"
    decoded = decode_html(body, "utf-8")
    assert decoded.how == "utf-8-lenient"
    assert decoded.text is not None and decoded.text.count("\ufffd") == 4
    assert "Amélie Dubois" in decoded.text and "— every winter" in decoded.text


CJK_ARTICLES = {
    "gbk": "北京市政府今天发布了新的城市交通规划，地铁线路将在未来五年内大幅增加，市民出行更加方便。",
    "big5": "臺北市政府今日宣布，明年起將調整公車票價，並增加夜間班次以方便市民通勤。",
    "shift_jis": "東京都は本日、新しい環境条例を発表しました。来年から施行される予定です。",
}


@pytest.mark.parametrize("encoding", list(CJK_ARTICLES))
def test_cjk_text_under_a_wrong_utf8_label_is_still_repaired(encoding: str) -> None:
    sentence = CJK_ARTICLES[encoding]
    page = (
        f'<html><head><meta charset="utf-8"><title>{sentence[:12]}</title></head><body>'
        + "".join(f"<p>{sentence}（{i}）</p>" for i in range(4))
        + "</body></html>"
    )
    decoded = decode_html(page.encode(encoding), "utf-8")
    assert decoded.text == page, (decoded.encoding, decoded.how)


def test_cp1252_under_a_wrong_utf8_label_is_not_read_as_utf8() -> None:
    page = ARTICLE.replace("€", "EUR").replace("STRAY", "Terms")
    decoded = decode_html(page.encode("cp1252"), "utf-8")
    assert decoded.how != "utf-8-lenient"
    assert decoded.text == page


def test_a_real_crawl_delivers_the_page_with_the_stray_byte_as_utf8(tmp_path: Path) -> None:
    def send(body: bytes):  # noqa: ANN202
        return lambda handler: Handler.send_body(handler, body)

    server = ScriptedServer()
    try:
        server.routes.update(
            {
                "/": send(listing_html(["/news/2024/05/02/harbour-budget.html"]).encode()),
                "/robots.txt": lambda h: h.send_body(
                    b"User-agent: *\nAllow: /\n", ctype="text/plain"
                ),
                "/news/2024/05/02/harbour-budget.html": send(with_stray(ARTICLE)),
            }
        )
        result = run_crawl([server.base + "/"], workdir=tmp_path)
    finally:
        server.close()
    assert result.returncode == 0, result.stderr[-3000:]
    (item,) = [i for i in result.items if i["url"].endswith("harbour-budget.html")]
    assert "The mayor’s office said on Tuesday" in item["text"]
    assert "Amélie Dubois" in item["text"] and "â€" not in item["text"]
    assert result.stats.get("decoding/utf-8-lenient") == 1
