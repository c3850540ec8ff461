"""Items: the raw page the spider hands over, and the article the pipelines export."""

from __future__ import annotations

from functools import cache
from typing import Any

import scrapy


class PageItem(scrapy.Item):
    """A fetched HTML page, as bytes, before anything has decoded or read it.

    The spider only finds pages; the extraction pipeline turns a PageItem into an
    ArticleItem or drops it as a listing page or a reject.
    """

    url = scrapy.Field()
    body = scrapy.Field()  # the response's bytes (HTML pages only); decoded by the reader
    charset = scrapy.Field()  # the charset the Content-Type header declares, if any
    status = scrapy.Field()
    site = scrapy.Field()  # origin the page belongs to, e.g. "https://news.example.com"
    fetched_at = scrapy.Field()  # ISO 8601 UTC
    headers = scrapy.Field()  # the few response headers the pipelines use (lower-case names)
    hints = scrapy.Field()  # per-site hints (language, timezone, selectors to prune)
    reject = scrapy.Field()  # why the page cannot be read (e.g. "http 404", "binary content")
    warc_file = scrapy.Field()  # where the response is archived (crawler.archive), if it is
    warc_offset = scrapy.Field()
    warc_length = scrapy.Field()


ARTICLE_FIELDS = (
    "url",
    "canonical_url",
    "title",
    "authors",
    "published",
    "modified",
    "language",
    "site_name",
    "section",
    "tags",
    "description",
    "text",
    "markdown",
    "image",
    "images",
    "word_count",
    "fetched_at",
    "fingerprint",
    "source",
    "editor",
    "is_update",
)
# An article merged from several pages (pipelines/multipage.py): how many pages it has, their
# URLs in order (the first is ``url``), and, when a page could not be had, which ones and that
# the text is incomplete. Written only on multi-page articles.
PAGE_FIELDS = ("pages", "page_urls", "pages_missing", "incomplete")
# Where the page's response record is (WARC file, offset and length of its gzip member), when
# the crawl archives it: copied from the page to its article.
ARCHIVE_FIELDS = ("warc_file", "warc_offset", "warc_length")


class ArticleItem(scrapy.Item):
    """One clean article, the exported record (see schema/article.schema.json)."""

    url = scrapy.Field()
    canonical_url = scrapy.Field()
    title = scrapy.Field()
    authors = scrapy.Field()
    published = scrapy.Field()
    modified = scrapy.Field()
    language = scrapy.Field()
    site_name = scrapy.Field()
    section = scrapy.Field()
    tags = scrapy.Field()
    description = scrapy.Field()
    text = scrapy.Field()
    markdown = scrapy.Field()  # the body as Markdown, when NEWS_BODY_FORMATS asks for it
    image = scrapy.Field()
    images = scrapy.Field()  # [{"src", "alt", "caption"}], when NEWS_IMAGES is on
    word_count = scrapy.Field()
    fetched_at = scrapy.Field()
    fingerprint = scrapy.Field()
    source = scrapy.Field()
    editor = scrapy.Field()
    is_update = scrapy.Field()
    pages = scrapy.Field()
    page_urls = scrapy.Field()
    pages_missing = scrapy.Field()
    incomplete = scrapy.Field()
    warc_file = scrapy.Field()
    warc_offset = scrapy.Field()
    warc_length = scrapy.Field()
    # What one pipeline stage hands a later one about the article; ``internal`` fields are
    # never exported (crawler.export) nor validated against the schema (``exported``).
    site = scrapy.Field(internal=True)  # name of the site the page belongs to
    headers = scrapy.Field(internal=True)  # the page's kept response headers (ETag, ...)
    simhash = scrapy.Field(internal=True)  # SimHash of the text (None: text changed since)
    state = scrapy.Field(internal=True)  # crawler.state.ArticleState, for the state store


@cache
def exported_fields(item_class: type[scrapy.Item]) -> tuple[str, ...]:
    """The item class's fields that go into the feed, in declaration order."""
    return tuple(name for name, meta in item_class.fields.items() if not meta.get("internal"))


def exported(item: scrapy.Item) -> dict[str, Any]:
    """The item as the feed has it: its set fields, the internal ones left out."""
    return {name: item[name] for name in exported_fields(type(item)) if name in item}
