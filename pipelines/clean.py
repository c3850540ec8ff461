"""Cleaning stage: chrome the page-level extractor missed, learned from the site's template."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.delivery import output_failed
from crawler.drops import Rejected
from crawler.items import ArticleItem
from crawler.signals import page_queued, page_read, pages_exhausted
from pipelines.templatestore import load_templates, save_templates
from reader.markdown import keep_lines
from reader.normalise import normalise_text, normalise_value
from reader.simhash import SimHashIndex
from reader.template import SiteTemplates, TemplatePolicy
from reader.text import text_fingerprint, text_length, word_count

if TYPE_CHECKING:
    from reader import PageReading

logger = logging.getLogger(__name__)

# Article texts remembered per site (SimHashes) to tell a repeat of a page already counted.
REPEAT_MEMORY = 2000


def clean_fields(
    fields: MutableMapping[str, Any], templates: SiteTemplates | None, site: str
) -> int:
    """The cleaning stage's work on one article, in place: the site's template lines out of
    ``text``, every field normalised. Returns the number of lines removed.

    The reader's text arrives normalised and measured (word count, fingerprint); only a text
    that lost lines is normalised and measured again.
    """
    text = fields.get("text", "")
    removed = 0
    if templates is not None:
        lines, removed = templates.strip(site, text.split("\n"))
        if removed:
            text = "\n".join(lines)
    if removed and fields.get("markdown"):
        fields["markdown"] = keep_lines(fields["markdown"], lines)
    for key, value in list(fields.items()):
        if key not in ("text", "markdown"):  # the reader wrote both from normalised lines
            fields[key] = normalise_value(value)
    if removed or "fingerprint" not in fields or "word_count" not in fields:
        text = normalise_text(text)
        fields["word_count"] = word_count(text)
        fields["fingerprint"] = text_fingerprint(text)
    fields["text"] = text
    return removed


class CleaningPipeline:
    """Removes site-template lines from article text and normalises every field.

    A site's first article pages are held until enough of its pages were seen to know its
    template (or a few seconds pass), so early pages are cleaned as well as later ones.
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = settings.getbool("NEWS_TEMPLATE_ENABLED")
        self.templates = SiteTemplates(
            TemplatePolicy(
                min_pages=settings.getint("NEWS_TEMPLATE_MIN_PAGES"),
                share=settings.getfloat("NEWS_TEMPLATE_SHARE"),
                max_blocks=settings.getint("NEWS_TEMPLATE_MAX_BLOCKS"),
            )
        )
        self.hold_pages = settings.getint("NEWS_TEMPLATE_HOLD_PAGES")
        self.hold_seconds = settings.getfloat("NEWS_TEMPLATE_HOLD_SECONDS")
        store = settings.get("NEWS_TEMPLATE_STORE")
        self.store = Path(store) if store else None
        self.min_text_chars = settings.getint("NEWS_MIN_TEXT_CHARS")
        self._waiting: dict[str, list[asyncio.Future[None]]] = {}
        self.repeat_bits = settings.getint("NEWS_NEAR_DUPLICATE_BITS")
        self._counted: dict[str, SimHashIndex] = {}
        crawler.signals.connect(self.page_read, signal=page_read)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        # Once the spider hands on no more pages, a held page waits only for those still in
        # the reader pool (page_queued, not yet page_read), then for nothing.
        self._in_reader = 0
        self._exhausted = False
        crawler.signals.connect(self.page_queued, signal=page_queued)
        crawler.signals.connect(self.pages_exhausted, signal=pages_exhausted)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleaningPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.enabled and self.store is not None:
            load_templates(self.templates, self.store)

    def close_spider(self) -> None:
        self._release_all()
        if self.enabled and self.store is not None:
            try:
                save_templates(self.templates, self.store)
            except OSError as exc:  # disk full, read-only: counted, the run exits 74
                output_failed(self.crawler, "template store", self.store, exc)

    def page_queued(self, url: str) -> None:
        self._in_reader += 1

    def pages_exhausted(self) -> None:
        self._exhausted = True
        if self._in_reader <= 0:
            self._release_all()

    def page_read(self, site: str, reading: PageReading) -> None:
        """Count the blocks of article pages only: a teaser repeated on many listing pages
        must not make that story's own first sentence look like template."""
        self._in_reader -= 1
        if self._exhausted and self._in_reader <= 0:
            self._release_all()  # they resume after this page is counted below
        if not self.enabled or not reading.blocks or reading.kind != "article":
            return
        if self._repeats(site, reading.simhash, reading.url):
            self.stats.inc_value("cleaning/template_repeats_ignored")
            return
        self.templates.observe(site, reading.blocks)
        if self.templates.pages(site) >= self.hold_pages:
            self._release(site)

    def _repeats(self, site: str, value: int | None, url: str) -> bool:
        """The page's text is (nearly) that of a page already counted for the site.

        Such a page is no evidence of the template: a site that serves one article at many
        URLs would otherwise make the article's own lines look like template, and its copies
        would end emptied ("no usable body") instead of reaching the dedupe stage as
        duplicates of the first.
        """
        if value is None:
            return False
        index = self._counted.get(site)
        if index is None:
            index = self._counted[site] = SimHashIndex(REPEAT_MEMORY, self.repeat_bits)
        if index.nearest(value) is not None:
            return True
        index.add(value, url, url)
        return False

    def spider_idle(self) -> None:
        self._release_all()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        site = item.get("site", "")
        more_to_come = not self._exhausted or self._in_reader > 0
        if self.enabled and more_to_come and self.templates.pages(site) < self.hold_pages:
            await self._hold(site)
        removed = clean_fields(item, self.templates if self.enabled else None, site)
        if removed:
            self.stats.inc_value("cleaning/template_lines", removed)
            item["simhash"] = None  # the worker hashed the text before stripping: dedupe rehashes
        if text_length(item["text"]) < self.min_text_chars:
            raise Rejected("no usable body after cleaning", item.get("url"))
        return item

    async def _hold(self, site: str) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.setdefault(site, []).append(future)
        loop.call_later(self.hold_seconds, self._release, site)
        self.stats.inc_value("cleaning/held_for_template")
        await future

    def _release(self, site: str) -> None:
        for future in self._waiting.pop(site, []):
            if not future.done():
                future.set_result(None)

    def _release_all(self) -> None:
        for site in list(self._waiting):
            self._release(site)
