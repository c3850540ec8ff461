"""The leases one worker holds, and when each is done: its page's output fully handled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class HeldLease:
    url: str
    pending_items: int = 0
    output_done: bool = False
    lost: bool = False


class LeaseBook:
    """Tracks each held lease until the callback's output is consumed and its items finished.

    A page's lease is acknowledged only when (a) the spider callback (or errback) has yielded
    everything, so its follow-up requests are queued in Redis, and (b) every item it yielded
    has left the item pipelines (written, dropped or failed). ``on_done`` then acks in Redis.
    """

    def __init__(self, on_done: Callable[[str], None]) -> None:
        self.on_done = on_done
        self.held: dict[str, HeldLease] = {}
        self._by_item: dict[tuple[str, str], str] = {}

    def __contains__(self, lease_id: object) -> bool:
        return lease_id in self.held

    def __len__(self) -> int:
        return len(self.held)

    def take(self, lease_id: str, url: str) -> None:
        self.held[lease_id] = HeldLease(url)

    def item_started(self, lease_id: str, item_key: tuple[str, str] | None) -> None:
        """An item of the leased page entered the pipelines; ``item_key`` (url, fetch time)
        finds the lease again at the fence, since the pipelines replace the item object.
        (By URL alone, a page this worker leased twice, once before its lease expired and
        once after, would be fenced with the wrong lease.)"""
        held = self.held.get(lease_id)
        if held is not None:
            held.pending_items += 1
            if item_key:
                self._by_item[item_key] = lease_id

    def item_finished(self, lease_id: str) -> None:
        held = self.held.get(lease_id)
        if held is not None:
            held.pending_items -= 1
            self._maybe_done(lease_id, held)

    def output_finished(self, lease_id: str) -> None:
        held = self.held.get(lease_id)
        if held is not None:
            held.output_done = True
            self._maybe_done(lease_id, held)

    def finished(self, lease_id: str) -> None:
        """The request ended without output to wait for (a final download error)."""
        if lease_id in self.held:
            self.forget(lease_id)
            self.on_done(lease_id)

    def mark_lost(self, lease_id: str) -> None:
        """Redis took the lease back (it expired): another worker may do this page now."""
        held = self.held.get(lease_id)
        if held is not None:
            held.lost = True

    def lease_for_item(self, item_key: tuple[str, str]) -> str | None:
        return self._by_item.get(item_key)

    def is_lost(self, lease_id: str) -> bool:
        held = self.held.get(lease_id)
        return held is not None and held.lost

    def forget(self, lease_id: str) -> None:
        held = self.held.pop(lease_id, None)
        if held is not None:
            for key, owner in list(self._by_item.items()):
                if owner == lease_id:
                    del self._by_item[key]

    def ids(self) -> list[str]:
        return [lease_id for lease_id, held in self.held.items() if not held.lost]

    def _maybe_done(self, lease_id: str, held: HeldLease) -> None:
        if held.output_done and held.pending_items <= 0:
            self.forget(lease_id)
            self.on_done(lease_id)
