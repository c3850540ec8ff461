"""Exit statuses of ``scrapy crawl``, ``scrapy seed`` and ``bin/crawl-cron``, defined here and
nowhere else (docs/operations.md lists them for operators). No imports: every part may use them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit statuses of a crawl, for cron and monitoring."""

    OK = 0  # items delivered, or nothing new: every site answered
    FAILED = 1  # the crawl failed: no site answered, stopped early, state store unusable
    USAGE = 2  # bad command-line arguments or sites file: nothing was crawled
    SITES_FAILED = 3  # some sites failed (no page of theirs answered); the others delivered
    SITE_ALARM = 4  # the run succeeded, but a site fell far below its baseline (crawler.health)
    OUTPUT_FAILED = (
        74  # an output write failed (disk full, permission, I/O error): sysexits EX_IOERR
    )
    REDIS_UNAVAILABLE = 69  # EX_UNAVAILABLE: Redis unreachable for NEWS_REDIS_OUTAGE_SECONDS
    LOCKED = 75  # bin/crawl-cron only: the previous run of this sites file still holds the lock
    REDIS_REFUSED = 77  # EX_NOPERM: wrong Redis password, or the ACL refuses a needed command
