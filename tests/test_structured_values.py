"""JSON-LD values as publishers nest them: the page's fields hold text, never a printed list."""

from __future__ import annotations

import json

from reader import read_page
from reader.structured import ld_text

BODY = " ".join(
    f"Paragraph {i} of the council's budget story, with enough words to be read as a body."
    for i in range(12)
)


def page(image: object) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council approves the new budget",
        "datePublished": "2025-03-04T08:00:00Z",
        "image": image,
    }
    paragraphs = "".join(f"<p>{s}.</p>" for s in BODY.split(". "))
    return (
        "<html><head><title>Council approves the new budget</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        "<body><article><h1>Council approves the new budget</h1>"
        f"{paragraphs}</article></body></html>"
    )


def test_an_image_object_whose_url_is_a_list_gives_its_first_url() -> None:
    reading = read_page(
        page([{"@type": "ImageObject", "url": ["/img/budget-1200.jpg", "/img/budget-600.jpg"]}]),
        "https://news.example.org/2025/03/04/council-budget",
    )
    assert reading.fields["image"] == "https://news.example.org/img/budget-1200.jpg"


def test_nested_values_unwrap_and_empty_ones_give_nothing() -> None:
    assert ld_text([[{"url": [{"@value": "a.jpg"}]}]]) == "a.jpg"
    assert ld_text({"url": []}) is None
    assert ld_text([]) is None
    assert ld_text({"@type": "ImageObject"}) is None
