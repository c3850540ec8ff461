"""trafilatura's body with its readability/jusText comparison gated (reader/fallback).

The gate may skip the comparison only where it would keep the main extractor's text: a long
text of clean prose that our densest block does not outgrow. Everything else is trafilatura's
own sequence, so with the gate open the body is ``bare_extraction``'s, page for page.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from reader.fallback import (
    COMPARE_BELOW_CHARS,
    needs_comparison,
    plain_body,
    read_body,
)
from reader.mainblock import best_block
from reader.page import parse_html
from tests.golden import load_golden

TESTS = Path(__file__).resolve().parent
# Every saved page of the golden sets: portal pages in many templates and languages.
PAGES = sorted(
    p.parent for p in [*TESTS.glob("golden/*/page.html"), *TESTS.glob("cleaning/*/page.html")]
)


def _tree(folder: Path) -> tuple[lxml.html.HtmlElement, str]:
    expected, html = load_golden(folder)
    return parse_html(html, 10_000_000), expected.get("url") or "http://example.com/a.html"


def _block_chars(tree: lxml.html.HtmlElement) -> int:
    block = best_block(tree)
    return len(" ".join(block.element.text_content().split())) if block is not None else 0


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_open_gate_is_trafilaturas_own_reading(folder: Path) -> None:
    tree, url = _tree(folder)
    assert read_body(tree, url, None) == plain_body(tree, url)


@pytest.mark.parametrize("folder", PAGES, ids=[p.name for p in PAGES])
def test_gated_reading_keeps_the_text(folder: Path) -> None:
    """Where the gate skips the comparison, the comparison would have kept the text."""
    tree, url = _tree(folder)
    assert read_body(tree, url, _block_chars(tree)) == plain_body(tree, url)


def _article(paragraphs: int, extra: str = "") -> str:
    sentence = "The council voted on the new budget for the river district on Tuesday. "
    body = "".join(f"<p>{sentence * 3}</p>" for _ in range(paragraphs))
    return (
        "<html><head><title>Budget</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Budget passes</h1>{body}{extra}</article>"
        "<footer>© Example News</footer></body></html>"
    )


def _main_text(html: str) -> tuple[lxml.html.HtmlElement, str, int]:
    """The main extractor's body and text, as the gate sees them, and our block's length."""
    from trafilatura.core import _prepare_tree
    from trafilatura.main_extractor import extract_content
    from trafilatura.settings import Extractor

    options = Extractor(output_format="python", comments=False)
    tree = parse_html(html, 10_000_000)
    chars = _block_chars(tree)
    cleaned, _ = _prepare_tree(tree, options, None)
    body, text = extract_content(cleaned, options)
    return body, text, chars


def test_long_clean_prose_skips_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    assert len(text) >= COMPARE_BELOW_CHARS
    assert not needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_short_text_runs_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(2))
    assert len(text) < COMPARE_BELOW_CHARS
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_a_block_twice_the_text_runs_the_comparison() -> None:
    """Our densest block holding over twice trafilatura's text: readability may find it."""
    from trafilatura.settings import Extractor

    body, text, _ = _main_text(_article(12))
    assert needs_comparison(body, text, 2 * len(text) + 1, Extractor(output_format="python"))


def test_tables_over_paragraphs_run_the_comparison() -> None:
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    for _ in range(len(body.findall(".//p")) + 1):
        body.append(lxml.html.fromstring("<table><tr><td>1</td></tr></table>"))
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_chrome_left_in_the_text_runs_the_comparison() -> None:
    """An unclean body (a nav, a button, a figure left in it) is jusText's case."""
    from trafilatura.settings import Extractor

    body, text, chars = _main_text(_article(12))
    body.append(lxml.html.fromstring("<nav><a href='/'>Home</a></nav>"))
    assert needs_comparison(body, text, chars, Extractor(output_format="python"))


def test_no_block_reading_runs_trafilatura_as_is() -> None:
    from trafilatura.settings import Extractor

    body, text, _ = _main_text(_article(12))
    assert needs_comparison(body, text, None, Extractor(output_format="python"))
