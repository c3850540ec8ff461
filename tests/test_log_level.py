"""Records below LOG_LEVEL are not built once the crawl starts (Scrapy's handler in use)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from scrapy.utils.log import _uninstall_scrapy_root_handler, configure_logging
from scrapy.utils.test import get_crawler

from crawler.extensions.loglevel import LogLevelAtSource


@pytest.fixture
def restore_levels() -> Iterator[None]:
    loggers = (logging.root, logging.getLogger("scrapy"))
    before = [logger.level for logger in loggers]
    yield
    _uninstall_scrapy_root_handler()
    for logger, level in zip(loggers, before, strict=True):
        logger.setLevel(level)


@pytest.mark.usefixtures("restore_levels")
@pytest.mark.parametrize("name", ["scrapy.core.engine", "scrapy.core.scraper", "crawler.export"])
def test_debug_records_are_dropped_at_the_logger_under_log_level_info(name: str) -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    configure_logging(crawler.settings)  # as `scrapy crawl` does: "scrapy" logger at DEBUG
    extension = LogLevelAtSource.from_crawler(crawler)
    logger = logging.getLogger(name)
    assert logger.isEnabledFor(logging.DEBUG)  # Scrapy's default: built, then filtered
    extension.engine_started()
    assert not logger.isEnabledFor(logging.DEBUG)
    assert logger.isEnabledFor(logging.INFO)


@pytest.mark.usefixtures("restore_levels")
def test_debug_level_keeps_debug_records() -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "DEBUG"})
    configure_logging(crawler.settings)
    LogLevelAtSource.from_crawler(crawler).engine_started()
    assert logging.getLogger("crawler.export").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
