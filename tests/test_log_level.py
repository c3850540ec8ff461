"""Records below LOG_LEVEL are not built once the crawl starts (Scrapy's handler in use)."""

from __future__ import annotations

import logging

from scrapy.utils.log import _uninstall_scrapy_root_handler, install_scrapy_root_handler
from scrapy.utils.test import get_crawler

from crawler.extensions.loglevel import LogLevelAtSource


def test_debug_records_are_dropped_at_the_logger_under_log_level_info() -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    before = logging.root.level
    install_scrapy_root_handler(crawler.settings)
    try:
        extension = LogLevelAtSource.from_crawler(crawler)
        logger = logging.getLogger("scrapy.core.engine")
        assert logger.isEnabledFor(logging.DEBUG)  # Scrapy's default: built, then filtered
        extension.engine_started()
        assert not logger.isEnabledFor(logging.DEBUG)
        assert logger.isEnabledFor(logging.INFO)
    finally:
        _uninstall_scrapy_root_handler()
        logging.root.setLevel(before)


def test_debug_level_keeps_debug_records() -> None:
    crawler = get_crawler(settings_dict={"LOG_LEVEL": "DEBUG"})
    before = logging.root.level
    install_scrapy_root_handler(crawler.settings)
    try:
        LogLevelAtSource.from_crawler(crawler).engine_started()
        assert logging.getLogger("crawler.export").isEnabledFor(logging.DEBUG)
    finally:
        _uninstall_scrapy_root_handler()
        logging.root.setLevel(before)
