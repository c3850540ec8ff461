"""Why a page does not become an exported article: the vocabulary of dropped items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

if TYPE_CHECKING:
    from crawler.state.store import ArticleState


class NotAnArticle(DropItem):
    """A listing, section, tag, author, search or home page: followed, never exported."""

    def __init__(self, url: str) -> None:
        super().__init__(f"listing page: {url}", log_level="DEBUG")
        self.reason = "listing page"


class ArticleLikeListing(NotAnArticle):
    """A page that looks like an article (dated, a headline, an article-like URL) but was read
    as a listing: followed like one, and written to the rejects file with why, so a wrong
    decision is never a silent loss."""

    def __init__(self, reason: str, url: str, **details: object) -> None:
        super().__init__(url)
        self.reason = reason
        self.url = url
        self.details = details


class Rejected(DropItem):
    """A page the pipelines refuse; written to the rejects file with its URL and reason."""

    def __init__(self, reason: str, url: str | None, **details: object) -> None:
        super().__init__(f"rejected ({reason}): {url}", log_level="INFO")
        self.reason = reason
        self.url = url
        self.details = details
        # A duplicate's own URL, remembered by the state store with the run's delivery.
        self.state: ArticleState | None = None


class Unchanged(DropItem):
    """An article an earlier run delivered, fetched again with the same text: nothing new."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unchanged since an earlier run: {url}", log_level="DEBUG")
        self.reason = "unchanged"
        self.url = url
