"""``scrapy crawl`` starts the reader's fork server early only for crawls that read pages."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.commands.crawl import reads_pages


def project_settings(pipelines: dict[str, int | None] | None = None) -> Settings:
    settings = get_project_settings().copy()
    if pipelines is not None:
        settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    return settings


def test_the_projects_own_pipelines_read_pages() -> None:
    assert reads_pages(project_settings())


@pytest.mark.parametrize(
    "pipelines",
    [
        {"pipelines.extract.ExtractionPipeline": None},  # switched off with -s
        {"pipelines.extract.ExtractionPipeline": None, "pipelines.clean.CleaningPipeline": 5},
    ],
)
def test_a_crawl_without_the_extraction_stage_starts_no_reader(
    pipelines: dict[str, int | None],
) -> None:
    assert not reads_pages(project_settings(pipelines))


def test_the_stage_named_by_class_counts_as_well_as_by_path() -> None:
    from pipelines.extract import ExtractionPipeline

    settings = Settings({"ITEM_PIPELINES": {ExtractionPipeline: 100}})
    assert reads_pages(settings)
    assert not reads_pages(Settings({"ITEM_PIPELINES": {}}))
