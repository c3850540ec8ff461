"""The body's shape: Markdown and pictures beside the text, from the same reading.

Golden pages (tests/golden_markdown/<case>/: page.html, case.json with its URL, the
expected.md and images.json the reader must give) are realistic portal pages: a
WordPress feature (figure + srcset, lazy image + <noscript>, centred caption, list, table,
quote), a Chinese portal (centred image paragraphs and captions, bold subheadings, a
data table, a counter pixel), a German story (<picture> sources, a plain caption line
after an image-only paragraph, an ordered list, literal * and [ ] in the text) and two
demo pages. On every page, golden or demo: the Markdown stripped of its markup gives the
text's lines, and no caption is a line of the text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.decoding import decode_html
from crawler.headingrecall import heading_recall, truth_subheadings
from demo.builder import build_portal
from demo.corpus import load_corpus
from pipelines.clean import clean_fields
from pipelines.extract import ExtractionSettings
from reader import ReadOptions, read_page
from reader.images import find_pictures, picture_source
from reader.mainblock import render_lines
from reader.markdown import (
    assemble,
    keep_lines,
    line_key,
    plain_lines,
    read_structure,
    to_markdown,
)
from reader.page import parse_html
from reader.shape import merge_shapes
from reader.template import SiteTemplates, TemplatePolicy
from tests.golden import CASES as TEXT_GOLDEN
from tests.golden import load_golden

HERE = Path(__file__).parent / "golden_markdown"
GOLDEN = sorted(p for p in HERE.iterdir() if (p / "expected.md").exists())


def _read(folder: Path) -> dict:
    url = json.loads((folder / "case.json").read_text(encoding="utf-8"))["url"]
    decoded = decode_html((folder / "page.html").read_bytes())
    assert decoded.text is not None
    reading = read_page(decoded.text, url)
    assert reading.kind == "article", (reading.kind, reading.reason)
    return reading.fields


def assert_same_lines(fields: dict) -> None:
    """The Markdown's lines are the text's, one for one (list bullets, table pipes aside)."""
    text = [line for line in fields["text"].split("\n") if line]
    assert [line_key(x) for x in plain_lines(fields["markdown"])] == [line_key(x) for x in text]


def assert_no_caption_in_text(fields: dict) -> None:
    lines = {"".join(line.split()) for line in fields["text"].split("\n")}
    for image in fields["images"]:
        if image["caption"]:
            assert "".join(image["caption"].split()) not in lines, image["caption"]


@pytest.mark.parametrize("folder", GOLDEN, ids=[p.name for p in GOLDEN])
def test_golden_markdown_and_images(folder: Path) -> None:
    fields = _read(folder)
    assert fields["markdown"] == (folder / "expected.md").read_text(encoding="utf-8").rstrip("\n")
    assert fields["images"] == json.loads((folder / "images.json").read_text(encoding="utf-8"))
    assert_same_lines(fields)
    assert_no_caption_in_text(fields)


@pytest.mark.parametrize("case", TEXT_GOLDEN, ids=[p.name for p in TEXT_GOLDEN])
def test_markdown_gives_the_text_lines_on_every_golden_page(case: Path) -> None:
    expected, html = load_golden(case)
    fields = read_page(html, expected["url"]).fields
    assert_same_lines(fields)
    assert_no_caption_in_text(fields)


@pytest.mark.parametrize("template", ["en_modern", "en_herald", "en_local"])
def test_demo_figures_captions_and_subheadings(template: str) -> None:
    """Every article of the corpus on each English template: each body figure's src and
    caption in ``images`` (srcset's largest, lazy ``data-src``), no caption in the text,
    each subheading a Markdown heading, tables as Markdown tables."""
    base = "http://127.0.0.1:8000"
    portal = build_portal(template, base, articles=load_corpus("en"))
    figures = tables = 0
    for url, truth in portal.truth.articles.items():
        page = portal.lookup(url[len(base) :])
        assert page is not None
        decoded = decode_html(page[0])
        assert decoded.text is not None
        fields = read_page(decoded.text, url).fields
        got = {(i["src"], i["caption"]) for i in fields["images"]}
        assert set(truth.images) <= got, (url, truth.images, got)
        assert_no_caption_in_text(fields)
        assert_same_lines(fields)
        headings = {
            line.split(" ", 1)[1] for line in fields["markdown"].split("\n") if line.startswith("#")
        }
        assert set(truth.subheadings) <= headings, url
        figures += len(truth.images)
        tables += "\n| --- |" in fields["markdown"]
    assert figures >= 10 and tables >= 3


def test_literal_markup_characters_survive_the_round_trip() -> None:
    lines = [
        "# not a heading",
        "1. not a list either",
        "Stars * and [brackets] and `ticks` and a back\\slash stay text.",
        "- a dash line",
        "> not a quote",
        "| not | a row |",
    ]
    markdown = to_markdown(lines, [None] * len(lines))
    assert not any(line.startswith(("#", "1.", "-", ">", "|")) for line in markdown.split("\n"))
    assert plain_lines(markdown) == lines


def test_inline_markup_links_made_absolute() -> None:
    tree = parse_html(
        "<html><body><div><p>See <a href='/a b(1)'>the <b>report</b></a> and "
        "<em>more</em>.</p><p><a href='javascript:void(0)'>Share</a> it</p></div></body></html>",
        10**6,
    )
    structure = read_structure(tree.find("body"), "https://news.example.com/x/y.html")
    lines = ["See the report and more.", "Share it"]
    markdown = to_markdown(lines, [structure.take(line) for line in lines])
    assert markdown == (
        "See [the **report**](https://news.example.com/a%20b%281%29) and *more*.\n\nShare it"
    )
    assert plain_lines(markdown) == lines


# The walk's hard cases, each as render_lines breaks the page: a link over markup chars,
# a block inside an inline element (also one hidden in a <noscript>: still a block, so the
# link's markup gives way to the structure), a <br>, text after an empty block (a rule),
# wholly bold and class-named subheadings, whitespace-only blocks, bulleted and numbered
# items, a quoted line that looks like a heading, a table with a pipe in a cell, and a
# repeated line (the second takes the second unit).
WALK_PAGE = (
    "<html><body><div class='story'>"
    "<p>Intro with <a href='/x?a=1'>a <b>bold</b> link</a> and 2 * 3 [sic] \\ back.</p>"
    "<span>Before<div>A block in a span</div>after it</span>"
    "<div><a href='/card'><span>Card <noscript><div>hidden</div></noscript>title</span></a></div>"
    "<p>Line one<br>line two <em>stressed</em> <code>x_y</code></p>"
    "<div><hr>Tail after a rule</div>"
    "<p><strong>A bold subheading</strong></p>"
    "<p class='crosshead'>Named subheading</p>"
    "<p>   </p><div><span> </span></div>"
    "<ul><li>- dashed item</li><li>1. numbered</li></ul>"
    "<blockquote><p># not a heading</p></blockquote>"
    "<table><tr><th>a | b</th><th><a href='/c'>c</a></th></tr>"
    "<tr><td>1</td><td><i>2</i></td></tr></table>"
    "<p>Intro with a bold link and 2 * 3 [sic] \\ back.</p>"
    "</div></body></html>"
)
WALK_MARKDOWN = (
    "Intro with [a **bold** link](https://news.example.com/x?a=1) and 2 \\* 3 \\[sic\\] "
    "\\\\ back.\n\nBefore\n\nA block in a span\n\nafter it\n\nCard title\n\nLine one\n\n"
    "line two *stressed* `x_y`\n\nTail after a rule\n\n### A bold subheading\n\n"
    "### Named subheading\n\n- dashed item\n- numbered\n\n> \\# not a heading\n\n"
    "| a \\| b | [c](https://news.example.com/c) |\n| --- | --- |\n| 1 | *2* |\n\n"
    "Intro with a bold link and 2 \\* 3 \\[sic\\] \\\\ back."
)


def test_walk_mirrors_render_lines() -> None:
    body = parse_html(WALK_PAGE, 10**6).find("body")
    lines = render_lines(body)
    structure = read_structure(body, "https://news.example.com/a/b.html")
    units = [structure.take(line) for line in lines]
    assert all(unit is not None for unit in units)
    assert to_markdown(lines, units) == WALK_MARKDOWN
    assert [line_key(x) for x in plain_lines(WALK_MARKDOWN)] == [line_key(x) for x in lines]


def test_keep_lines_drops_what_the_text_lost() -> None:
    units = [("h2", "Title"), ("p", "One."), ("li", "a"), ("li", "b"), ("row", "| x | y |")]
    markdown = assemble(units)
    kept = keep_lines(markdown, ["Title", "- b", "x | y"])
    assert kept == "## Title\n\n- b\n\n| x | y |\n| --- | --- |"


STORY = (
    "<html lang='en'><head><title>{title}</title><meta property='og:type' content='article'>"
    "<meta property='article:published_time' content='2025-03-0{n}T08:00:00Z'></head>"
    "<body><div class='story'><h1>{title}</h1><p class='byline'>By Ann Lee</p>"
    "<p>The county board met on Tuesday and talked about {topic} for most of the evening, "
    "with residents lining up to speak for and against the plan.</p>"
    "<h2>What happens next for {topic}</h2>"
    "<p>A final vote on {topic} is expected next month, after a second public hearing at "
    "the library on Main Street.</p>"
    "<p><em>The County Ledger covers every meeting of the board in full.</em></p>"
    "<p>Officials said the plan for {topic} would cost about two million dollars over the "
    "next five years, paid from the general fund. Several members asked for a cheaper "
    "option, and staff promised to bring one to the next meeting.</p>"
    "<p>Residents who spoke against it said the county should fix what it already has "
    "before spending on anything new, and asked for the hearing to be held in the evening.</p>"
    "</div></body></html>"
)
TOPICS = ["bus lanes", "park repairs", "library hours", "snow routes", "water rates", "bridges"]


def test_the_cleaning_stage_takes_template_lines_out_of_the_markdown_too() -> None:
    templates = SiteTemplates(TemplatePolicy(min_pages=4))
    readings = []
    for n, topic in enumerate(TOPICS):
        html = STORY.format(title=f"Board debates {topic} again", topic=topic, n=n + 1)
        reading = read_page(html, f"https://county.example.com/news/{n}.html")
        assert reading.kind == "article"
        assert "*The County Ledger covers every meeting" in reading.fields["markdown"]
        templates.observe("county", reading.blocks)
        readings.append(reading)
    for reading in readings:
        fields = dict(reading.fields)
        clean_fields(fields, templates, "county")
        assert "County Ledger" not in fields["text"]
        assert "County Ledger" not in fields["markdown"]
        assert "## What happens next for " in fields["markdown"]
        assert_same_lines(fields)


def _pictures(body: str) -> list[tuple[str, str | None]]:
    tree = parse_html(f"<html><body>{body}</body></html>", 10**6)
    return [(p.src, p.caption) for p in find_pictures(tree, "https://news.example.com/a/b.html")]


def test_picture_sources() -> None:
    tree = parse_html(
        "<html><body><img src='/s.jpg' srcset='/m.jpg 640w, /l.jpg 1280w, /xs.jpg 320w'>"
        "<img src='data:image/gif;base64,R0l' data-original='/lazy.jpg'>"
        "<img src='x.jpg' srcset='/one.jpg 1x, /two.jpg 2x'>"
        "<picture><source srcset='/p-800.webp 800w, /p-1600.webp 1600w'><img src='/p.jpg'></picture>"
        "</body></html>",
        10**6,
    )
    got = [picture_source(img, "https://news.example.com/a/") for img in tree.iter("img")]
    assert got == [
        "https://news.example.com/l.jpg",
        "https://news.example.com/lazy.jpg",
        "https://news.example.com/two.jpg",
        "https://news.example.com/p-1600.webp",
    ]


def test_furniture_pictures_are_skipped() -> None:
    assert _pictures(
        "<img src='/t.gif' width='1' height='1'>"
        "<img src='data:image/png;base64,iVBOR'>"
        "<img src='/img/site-logo.png'>"
        "<img src='/icons/share.svg'>"
        "<img src='/sprite.png' class='icon'>"
        "<img src='/spacer.gif'>"
        "<img src='/img/thumb.jpg' width='24' height='24'>"
        "<img src='/photos/harbour.jpg' alt='The harbour'>"
    ) == [("https://news.example.com/photos/harbour.jpg", None)]


def test_caption_forms() -> None:
    assert _pictures(
        "<figure><img src='/1.jpg'><figcaption>Figure caption. Photo: A. B.</figcaption></figure>"
        "<div class='photo'><img src='/2.jpg'><span class='image-caption'>Named caption</span></div>"
        "<p align='center'><img src='/3.jpg'></p><p align='center'>Centred caption line</p>"
        "<p>Body text.</p><p><img src='/4.jpg'></p><p>Plain short caption line</p><p>Body.</p>"
        "<p><img src='/5.jpg'></p><p>A sentence after a picture is the body's own.</p>"
        # A page that centres its whole body; a tutorial alternating pictures and steps.
        "<p align='center'><img src='/6.jpg'></p><p align='center'>A centred paragraph of the body.</p>"
        "<p align='center'>And the next one.</p>"
        "<p><img src='/7.jpg'></p><p>Open the menu</p><p><img src='/8.jpg'></p><p>Click Save</p>"
    ) == [
        ("https://news.example.com/1.jpg", "Figure caption. Photo: A. B."),
        ("https://news.example.com/2.jpg", "Named caption"),
        ("https://news.example.com/3.jpg", "Centred caption line"),
        ("https://news.example.com/4.jpg", "Plain short caption line"),
        ("https://news.example.com/5.jpg", None),
        ("https://news.example.com/6.jpg", None),
        ("https://news.example.com/7.jpg", None),
        ("https://news.example.com/8.jpg", "Click Save"),
    ]


def test_settings_choose_the_fields() -> None:
    html = (HERE / "de_picture_plain_caption" / "page.html").read_text(encoding="utf-8")
    url = "https://www.stadtanzeiger.test/lokales/radwege-innenstadt/"
    bare = read_page(html, url, ReadOptions(markdown=False, images=False)).fields
    full = read_page(html, url).fields
    assert "markdown" not in bare and "images" not in bare
    # Captions are out of the text whether or not images are written (this one only the
    # pictures' reading knows: a plain line after an image-only paragraph).
    assert "Markierungsarbeiten am Innenstadtring im Februar" not in bare["text"]
    assert bare["text"] == full["text"]
    config = ExtractionSettings.from_settings(
        Settings({"NEWS_BODY_FORMATS": ["text"], "NEWS_IMAGES": False})
    )
    assert not config.markdown and not config.images
    for bad in (["markdown"], ["text", "html"]):
        with pytest.raises(ValueError, match="NEWS_BODY_FORMATS"):
            ExtractionSettings.from_settings(Settings({"NEWS_BODY_FORMATS": bad}))


def test_heading_recall_counts_truth_subheadings_found_as_headings() -> None:
    truth = (
        "A summary of the story, which is a sentence.\n"
        "What was built\n"
        "The work came in three parts, said the engineer.\n"
        "How high the river came\n"
        "Costs and who pays\n"
        "The last paragraph ends the story."
    )
    assert truth_subheadings(truth) == [
        "What was built",
        "How high the river came",
        "Costs and who pays",
    ]
    markdown = (
        "A summary.\n\n## What was built\n\nThe work.\n\n### How high the [river](https://x.test/r) "
        "came\n\nCosts and who pays"
    )
    assert heading_recall(truth, markdown) == (2, 3)
    assert heading_recall(truth, None) == (0, 3)


def test_an_article_merged_from_pages_has_every_pages_markdown_and_pictures() -> None:
    one = {
        "text": "Council debates the budget\nThe first part.",
        "markdown": "## Council debates the budget\n\nThe **first** part.",
        "images": [{"src": "https://x.test/1.jpg", "alt": None, "caption": "One"}],
    }
    two = {
        "text": "Council debates the budget\nThe second part.",
        "markdown": "## Council debates the budget\n\nThe *second* part.",
        "images": [
            {"src": "https://x.test/1.jpg", "alt": None, "caption": "One"},
            {"src": "https://x.test/2.jpg", "alt": None, "caption": "Two"},
        ],
    }
    # The merged text (pipelines.multipage) leaves the repeated headline out.
    fields = dict(one, text="Council debates the budget\nThe first part.\nThe second part.")
    merge_shapes(fields, [one, two])
    assert fields["markdown"] == (
        "## Council debates the budget\n\nThe **first** part.\n\nThe *second* part."
    )
    assert [i["src"] for i in fields["images"]] == ["https://x.test/1.jpg", "https://x.test/2.jpg"]
    assert_same_lines(fields)
    # A page read without its shape (a later page read as a listing by an older worker):
    # its lines come in as paragraphs, never lost.
    three = {"text": "The third part.", "images": []}
    fields = dict(one, text="Council debates the budget\nThe first part.\nThe third part.")
    merge_shapes(fields, [one, three])
    assert fields["markdown"].endswith("The **first** part.\n\nThe third part.")
