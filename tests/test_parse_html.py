"""The one parse of a page: decoded text in, the tree every later step reads."""

from __future__ import annotations

import lxml.etree

from reader.page import parse_html


def _text(html: str) -> str:
    return parse_html(html, 10**6).text_content()


def test_the_charset_meta_does_not_re_decode_text_already_decoded() -> None:
    # The crawl decodes the bytes with the page's charset; the meta then describes bytes the
    # parser never sees.
    for charset in ("gbk", "iso-8859-1", "utf-16", "shift_jis"):
        html = (
            f'<html><head><meta charset="{charset}"><title>标题 café</title></head>'
            "<body><p>中文内容的文章 ü 😀</p></body></html>"
        )
        assert _text(html) == "标题 café中文内容的文章 ü 😀", charset


def test_an_xml_declaration_before_the_page_is_dropped() -> None:
    html = '  <?xml version="1.0" encoding="gbk"?>\n<html><body><p>中</p></body></html>'
    assert _text(html) == "中"


def test_a_lone_surrogate_does_not_end_the_text() -> None:
    # (A str handed to libxml2 as it is stopped at the surrogate and lost the rest.)
    tree = parse_html("<html><body><p>before\ud800after</p><p>next</p></body></html>", 10**6)
    assert [p.text for p in tree.iter("p")] == ["before?after", "next"]


def test_comments_and_processing_instructions_are_not_parsed() -> None:
    tree = parse_html("<html><body><!-- hidden --><p>a<?php echo 1 ?>b</p></body></html>", 10**6)
    assert lxml.etree.tostring(tree.find("body"), encoding="unicode") == "<body><p>ab</p></body>"
