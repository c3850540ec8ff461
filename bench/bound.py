"""The extraction bound: our reading and cleaning alone, in one process, and plain trafilatura.

The reader is the one the crawl uses (``NEWS_PAGE_READER`` when the project defines it), and
cleaning is the cleaning stage's own function (``pipelines.clean.clean_fields``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from pipelines.clean import clean_fields
from reader import ReadOptions
from reader.template import SiteTemplates, TemplatePolicy


def project_reader() -> tuple[str, Callable[..., Any]]:
    settings = get_project_settings()
    path = settings.get("NEWS_PAGE_READER") or "reader.read_page"
    return path, load_object(path)


class ReadAndClean:
    """``read_page`` + the cleaning stage's per-article work, as the crawl does them."""

    def __init__(self, site: str) -> None:
        settings = get_project_settings()
        self.site = site
        _, self.reader = project_reader()
        self.options = ReadOptions(
            min_text_chars=settings.getint("NEWS_MIN_TEXT_CHARS"),
            max_chars=settings.getint("NEWS_EXTRACT_MAX_CHARS"),
        )
        self.templates = SiteTemplates(
            TemplatePolicy(
                min_pages=settings.getint("NEWS_TEMPLATE_MIN_PAGES"),
                share=settings.getfloat("NEWS_TEMPLATE_SHARE"),
                max_blocks=settings.getint("NEWS_TEMPLATE_MAX_BLOCKS"),
            )
        )
        self.min_text_chars = settings.getint("NEWS_MIN_TEXT_CHARS")
        # The crawl exports an article once: count it once here too (as the dedupe stage).
        self.fingerprints: set[str] = set()

    def __call__(self, html: str, url: str) -> bool:
        reading = self.reader(html, url, self.options)
        if reading.kind != "article":
            return False
        # As the crawl: only article pages count towards the site's template.
        if reading.blocks:
            self.templates.observe(self.site, reading.blocks)
        fields = dict(reading.fields)
        clean_fields(fields, self.templates, self.site)
        if len(fields["text"]) < self.min_text_chars or fields["fingerprint"] in self.fingerprints:
            return False
        self.fingerprints.add(fields["fingerprint"])
        return True


def plain_trafilatura(html: str, url: str) -> bool:
    import trafilatura

    return bool(trafilatura.extract(html, url=url))
