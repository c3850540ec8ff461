"""Article metadata from a parsed page, one module per concern, re-exported here.

``structured`` (JSON-LD, meta tags) is read by ``titles``, ``people``, ``dates`` and
``language``; none of those imports another, and nothing imports this module back.
"""

from __future__ import annotations

from reader.dates import timezone_for
from reader.language import declared_language, detect_language
from reader.people import (
    Credit,
    Credits,
    byline_names,
    credits,
    dateline_authors,
    ld_credits,
    ld_names,
    meta_authors,
    split_names,
    unique,
)
from reader.structured import (
    ARTICLE_TYPES,
    LISTING_TYPES,
    absolute,
    first_meta,
    json_ld_objects,
    ld_article,
    ld_text,
    ld_types,
    meta_values,
)
from reader.titles import (
    TitleSources,
    clean_title,
    headings,
    page_title,
    title_key,
    title_sources,
)

__all__ = [
    "ARTICLE_TYPES",
    "LISTING_TYPES",
    "absolute",
    "byline_names",
    "Credit",
    "Credits",
    "credits",
    "ld_credits",
    "meta_authors",
    "clean_title",
    "dateline_authors",
    "declared_language",
    "detect_language",
    "first_meta",
    "headings",
    "page_title",
    "title_key",
    "title_sources",
    "TitleSources",
    "json_ld_objects",
    "ld_article",
    "ld_names",
    "ld_text",
    "ld_types",
    "meta_values",
    "split_names",
    "timezone_for",
    "unique",
]
