"""Add-ons that adjust settings once the command line has been read."""

from __future__ import annotations

from scrapy.settings import Settings


class DefaultFeed:
    """Per-run output unless the command line names a feed.

    With no ``-o``/``-O`` the run exports to ``NEWS_DEFAULT_FEED`` (one file per run under
    output/) and, with ``NEWS_STATE_ENABLED = "auto"``, runs incrementally: that is the
    scheduled (cron) mode. A feed named on the command line is a one-off full crawl, as
    Scrapy users expect from ``-O out.jsonl``; ``-s NEWS_STATE_ENABLED=True`` makes it
    incremental too.
    """

    def update_settings(self, settings: Settings) -> None:
        named_feed = bool(settings.getdict("FEEDS"))
        if str(settings.get("NEWS_STATE_ENABLED")).lower() == "auto":
            priority = settings.getpriority("NEWS_STATE_ENABLED") or 0
            settings.set("NEWS_STATE_ENABLED", not named_feed, priority=priority)
        if named_feed:
            return
        uri = settings.get("NEWS_DEFAULT_FEED")
        if uri:
            settings.set(
                "FEEDS", {uri: {"format": "jsonlines", "encoding": "utf-8"}}, priority="addon"
            )
