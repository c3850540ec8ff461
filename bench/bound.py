"""The extraction bound: our reading and cleaning alone, in one process, and plain trafilatura.

The reader is the one the crawl uses (``NEWS_PAGE_READER`` when the project defines it), and
cleaning does what the cleaning stage does to each article (template lines, normalising).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

from pipelines.cleaning.normalise import normalise_text, normalise_value
from pipelines.cleaning.template import SiteTemplates, TemplatePolicy
from pipelines.extraction import ReadOptions
from pipelines.extraction.text import text_fingerprint, word_count


def project_reader() -> tuple[str, Callable[..., Any]]:
    settings = get_project_settings()
    path = settings.get("NEWS_PAGE_READER") or "pipelines.extraction.read_page"
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
        if reading.blocks:
            self.templates.observe(self.site, reading.blocks)
        if reading.kind != "article":
            return False
        lines, _ = self.templates.strip(self.site, reading.fields.get("text", "").split("\n"))
        text = normalise_text("\n".join(lines))
        fields = {k: normalise_value(v) for k, v in reading.fields.items() if k != "text"}
        fields["word_count"], fields["fingerprint"] = word_count(text), text_fingerprint(text)
        if len(text) < self.min_text_chars or fields["fingerprint"] in self.fingerprints:
            return False
        self.fingerprints.add(fields["fingerprint"])
        return True


def plain_trafilatura(html: str, url: str) -> bool:
    import trafilatura

    return bool(trafilatura.extract(html, url=url))
