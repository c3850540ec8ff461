"""Chrome pruning by evidence: what a name or a shape may remove, and what it may not.

Each case is a small page as a portal serves it; ``prune_chrome`` runs on it as the reader
runs it, and the visible text left is checked. The golden pages in tests/golden cover the
same rules end to end.
"""

from __future__ import annotations

from reader.dom import prune_chrome
from reader.page import parse_html

ARTICLE = (
    "<p>The council voted on Tuesday to turn the disused rail yard north of the river into a "
    "public park, ending a decade of debate over the site.</p>"
    "<p>The plan keeps the old engine shed as a covered market and adds a footbridge to the "
    "neighbourhoods on the other bank. Work is due to start next spring.</p>"
    "<p>Residents who had campaigned for the park filled the public gallery and applauded when "
    "the vote passed by nine votes to two.</p>"
)


def pruned_text(body: str) -> str:
    tree = parse_html(f"<html><body><h1>Council votes for a park</h1>{body}</body></html>", 10**7)
    prune_chrome(tree)
    return " ".join(tree.find("body").text_content().split())


def test_a_sentence_with_three_links_is_not_a_share_bar() -> None:
    text = pruned_text(
        f'<div class="story">{ARTICLE}<p>Follow the Courier on <a href="/fb">Facebook</a>, '
        '<a href="/x">Twitter</a> and <a href="/ig">Instagram</a>.</p></div>'
    )
    assert "Follow the Courier on Facebook, Twitter and Instagram." in text


def test_citation_links_in_a_sentence_stay() -> None:
    text = pruned_text(
        f'<div class="story">{ARTICLE}<p>Other studies point the same way '
        '(<a href="#r10">10</a>, <a href="#r11">11</a>, <a href="#r12">12</a>).</p></div>'
    )
    assert "(10, 11, 12)" in text


def test_a_dateline_with_tool_links_is_not_a_bar() -> None:
    text = pruned_text(
        f'<div class="info">2025-06-03 09:00 来源：<a href="/">示例日报</a> '
        f'<a href="#">打印</a> <a href="#">收藏</a></div><div class="story">{ARTICLE}</div>'
    )
    assert "2025-06-0309:00" in text.replace(" ", "")


def test_chinese_headline_links_are_not_share_labels() -> None:
    text = pruned_text(
        f'<div class="story">{ARTICLE}</div><div class="more">'
        '<p><a href="/1">地铁五号线南延段预计年底开通</a></p>'
        '<p><a href="/2">我市新增公共充电桩三千个</a></p>'
        '<p><a href="/3">暑期出行高峰将至 多部门发布提示</a></p></div>'
    )
    assert "地铁五号线南延段预计年底开通" in text


def test_share_labels_in_paragraphs_after_a_lead_in_go() -> None:
    text = pruned_text(
        f'<div class="story">{ARTICLE}<p>分享到：</p><p><a href="#">微信</a></p>'
        '<p><a href="#">新浪微博</a></p><p><a href="#">QQ空间</a></p></div>'
    )
    assert "微信" not in text and "QQ空间" not in text
    assert "applauded when the vote passed" in text


def test_reader_comments_outside_the_article_go_although_they_are_prose() -> None:
    text = pruned_text(
        f'<div class="story">{ARTICLE}</div><div class="page-bottom"><div class="comments">'
        "<p>I have walked past that yard for twenty years and never thought it would change. "
        "Good news for the whole neighbourhood.</p></div></div>"
    )
    assert "twenty years" not in text


def test_a_sidebar_of_links_beside_the_article_goes() -> None:
    text = pruned_text(
        f'<div class="layout"><div class="col"><div class="story">{ARTICLE}</div></div>'
        '<div class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Bridge closed for '
        'repairs until May</a></li><li><a href="/b">New bus timetable starts on Monday</a></li>'
        "</ul></div></div>"
    )
    assert "Bridge closed" not in text
    assert "covered market" in text


def test_named_paragraphs_inside_the_article_stay_and_a_named_credit_line_goes() -> None:
    paragraphs = ARTICLE.replace("<p>", '<p class="editor-p">')
    text = pruned_text(
        f'<div class="story"><div class="body">{paragraphs}'
        '<p class="editor-p">Work starts in April.</p>'
        '<p class="editor-name">Sam Ortega sam@courier.example</p></div></div>'
    )
    assert "covered market" in text and "applauded" in text
    assert "Work starts in April." in text
    assert "sam@courier.example" not in text


def test_a_short_chinese_paragraph_with_a_chrome_name_stays_inside_the_article() -> None:
    paragraphs = "".join(
        f"<p>今年以来，我市持续推进老旧小区改造，第{n}批项目已经完工，惠及居民一万八千余户。</p>"
        for n in range(1, 5)
    )
    text = pruned_text(
        f'<div class="story">{paragraphs}'
        '<p class="share-tip">下半年还将启动第二批改造项目，优先解决居民反映最集中的排水和消防问题。</p></div>'
    )
    assert "下半年还将启动第二批改造项目，优先解决居民反映最集中的排水和消防问题。" in text
