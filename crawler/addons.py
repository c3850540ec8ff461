"""Add-ons that adjust settings once the command line has been read."""

from __future__ import annotations

from scrapy.settings import Settings


class DefaultFeed:
    """Export to ``NEWS_DEFAULT_FEED`` when the command line names no feed (-o/-O)."""

    def update_settings(self, settings: Settings) -> None:
        if settings.getdict("FEEDS"):
            return
        uri = settings.get("NEWS_DEFAULT_FEED")
        if uri:
            settings.set(
                "FEEDS", {uri: {"format": "jsonlines", "encoding": "utf-8"}}, priority="addon"
            )
