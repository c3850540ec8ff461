"""Deduplication stage: one article is exported once, however many URLs or sites carry it.

In order: the same URL identity (``crawler.canonical.url_key`` of the canonical URL or the
fetch URL) or exact text already exported in this run -> duplicate; an article an earlier
run delivered with the same text -> unchanged (dropped quietly), with other text -> an
update; text within a few SimHash bits of another article of this run or of the recent
runs (syndication, the same story under two URLs) -> near duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.canonical import url_key
from crawler.drops import Rejected, Unchanged
from crawler.items import ArticleItem
from crawler.sites import origin_of
from crawler.state import ArticleState, KnownArticle, StateStore, store_for
from reader.simhash import SimHashIndex, simhash


@dataclass(frozen=True)
class DedupeSettings:
    near_enabled: bool
    max_distance: int
    capacity: int
    across_sites: bool

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> DedupeSettings:
        return cls(
            near_enabled=settings.getbool("NEWS_NEAR_DUPLICATES_ENABLED"),
            max_distance=settings.getint("NEWS_NEAR_DUPLICATE_BITS"),
            capacity=settings.getint("NEWS_NEAR_DUPLICATE_MEMORY"),
            across_sites=settings.getbool("NEWS_DEDUPE_ACROSS_SITES"),
        )


def remembered(error: Rejected, state: ArticleState) -> Rejected:
    """A duplicate's own URL is remembered too (when the run delivers), so the next runs do
    not fetch it again; the state store reads ``state`` off the exception."""
    error.state = state
    return error


class DedupePipeline:
    """Drops duplicates and unchanged articles; marks changed ones ``is_update``."""

    def __init__(self, crawler: Crawler, config: DedupeSettings) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.store: StateStore | None = None
        self.index = SimHashIndex(config.capacity, config.max_distance)
        self._by_key: dict[str, str] = {}
        self._by_fingerprint: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler, DedupeSettings.from_settings(crawler.settings))

    def open_spider(self) -> None:
        self.store = store_for(self.crawler)
        if self.store is not None and self.config.near_enabled:
            for value, key, url in self.store.recent_simhashes(self.config.capacity):
                self.index.add(value, key, url)
            self.stats.set_value("dedup/index_loaded", len(self.index))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        url = item["url"]
        key = url_key(item.get("canonical_url") or url)
        # A multi-page article's later pages are its aliases: known, they are not fetched alone.
        pages = {url_key(u) for u in item.get("page_urls") or ()}
        aliases = tuple({url_key(url), *pages} - {key})
        # The worker hashed the text it read; cleaning changes a few lines at most.
        value = item.get("simhash") or simhash(item["text"])
        state = self._state(item, key, aliases, value)
        self._drop_if_seen_in_run(item, key, aliases, state)
        known = self._known(key, aliases)
        if known is not None and known.fingerprint == item["fingerprint"]:
            self.stats.inc_value("incremental/unchanged")
            raise Unchanged(url)
        own = frozenset({key, *aliases, *([known.canonical_key] if known else [])})
        if self.config.near_enabled:
            match = self.index.nearest(value, exclude=own)
            if match is not None and (
                self.config.across_sites or origin_of(match.url) == origin_of(url)
            ):
                self.stats.inc_value("dedup/near_duplicates")
                error = Rejected(
                    "near duplicate", url, duplicate_of=match.url, distance=match.distance
                )
                raise remembered(error, state)
            self.index.add(value, key, url)
        item["is_update"] = known is not None
        if known is not None:
            self.stats.inc_value("incremental/updates")
        for k in (key, *aliases):
            self._by_key[k] = url
        self._by_fingerprint[self._text_key(item)] = url
        item["state"] = state
        return item

    def _text_key(self, item: ArticleItem) -> str:
        """Exact-text identity: crawl-wide, or per site for a one-off crawl."""
        scope = "" if self.config.across_sites else item.get("site", "")
        return f"{scope} {item.get('fingerprint', '')}"

    def _drop_if_seen_in_run(
        self, item: ArticleItem, key: str, aliases: tuple[str, ...], state: ArticleState
    ) -> None:
        original = next(
            (self._by_key[k] for k in (key, *aliases) if k in self._by_key), None
        ) or self._by_fingerprint.get(self._text_key(item))
        if original is not None:
            self.stats.inc_value("dedup/dropped")
            raise remembered(Rejected("duplicate", item["url"], duplicate_of=original), state)

    def _known(self, key: str, aliases: tuple[str, ...]) -> KnownArticle | None:
        if self.store is None:
            return None
        for k in (key, *aliases):
            known = self.store.seen(k)
            if known is not None:
                return known
        return None

    @staticmethod
    def _state(item: ArticleItem, key: str, aliases: tuple[str, ...], value: int) -> ArticleState:
        headers = item.get("headers") or {}
        return ArticleState(
            key=key,
            url=item["url"],
            canonical_url=item.get("canonical_url") or item["url"],
            site=item.get("site", ""),
            fingerprint=item["fingerprint"],
            simhash=value,
            fetched_at=item["fetched_at"],
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            aliases=aliases,
        )
