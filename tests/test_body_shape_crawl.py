"""The body's shape in a real crawl: `scrapy crawl news` over the demo portals (the session
backbone crawl, tests/conftest.py), default settings.

Every body figure of the demo's English templates comes out in ``images`` with its src and
caption (a <figure> with srcset and figcaption, or a lazy image in a centred paragraph with
a centred caption line); no caption is a line of ``text``; every subheading is a Markdown
heading; the Markdown's lines are the text's.
"""

from __future__ import annotations

from reader.markdown import line_key, plain_lines
from tests.conftest import Backbone
from tests.test_crawl_backbone import matched


def test_figures_captions_and_headings_of_every_crawled_article(backbone: Backbone) -> None:
    pairs = matched(backbone)
    assert pairs, backbone.result.tail()
    figures = headings = 0
    for item, truth in pairs:
        assert "markdown" in item and "images" in item, item["url"]
        got = {(image["src"], image["caption"]) for image in item["images"]}
        assert set(truth.images) <= got, (item["url"], truth.images, got)
        lines = {"".join(line.split()) for line in item["text"].split("\n")}
        for _, caption in truth.images:
            assert "".join(caption.split()) not in lines, (item["url"], caption)
        marked = {
            line.split(" ", 1)[1] for line in item["markdown"].split("\n") if line.startswith("#")
        }
        assert set(truth.subheadings) <= marked, (item["url"], truth.subheadings)
        text = [line for line in item["text"].split("\n") if line]
        assert [line_key(x) for x in plain_lines(item["markdown"])] == [line_key(x) for x in text]
        figures += len(truth.images)
        headings += len(truth.subheadings)
    # Each backbone pair has an English template that shows body figures and subheadings.
    assert figures >= 2 and headings >= 2
