"""The shared frontier in Redis: queue, seen set, leases. Knows Redis, not Scrapy."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis
from redis.typing import EncodableT

from crawler.distributed import scripts
from crawler.distributed.connection import Guard
from crawler.distributed.keys import CrawlKeys

QUEUED, SEEN, OVER_BUDGET = 1, 0, 2


@dataclass(frozen=True)
class Lease:
    """A request a worker took: its payload and the id that hands it back.

    ``payload`` is bytes when the entry is not UTF-8 (nothing this crawler wrote); ``id`` is
    "" for an entry over the size limit, removed from the queue, of which ``payload`` holds
    only the first bytes."""

    id: str
    payload: str | bytes
    size: int = 0


@dataclass(frozen=True)
class FrontierStatus:
    queued: int
    leased: int
    dead: int


class Frontier:
    """Atomic frontier operations (each one a Lua script), retried through the guard."""

    def __init__(self, server: redis.Redis, keys: CrawlKeys, guard: Guard) -> None:
        self.server = server
        self.keys = keys
        self.guard = guard
        self._push = server.register_script(scripts.PUSH)
        self._pop = server.register_script(scripts.POP)
        self._renew = server.register_script(scripts.RENEW)
        self._ack = server.register_script(scripts.ACK)
        self._reap = server.register_script(scripts.REAP)
        self._claim = server.register_script(scripts.CLAIM)
        self._confirm = server.register_script(scripts.CONFIRM)

    def push(
        self,
        payload: str,
        priority: int,
        fingerprint: str = "",
        release: str = "",
        site: str = "",
        budget: int = 0,
    ) -> int:
        """Queue ``payload`` (QUEUED, SEEN or OVER_BUDGET); release lease ``release`` with it."""
        k = self.keys
        keys = [k.queue, k.dupefilter, k.leases, k.lease_data, k.pages(site)]
        args: list[EncodableT] = [payload, -priority, fingerprint, release, budget if site else 0]
        return int(self.guard.call("queue a request", lambda: self._push(keys, args)))

    def pop(self, lease_ms: int, worker: str, max_bytes: int = 0) -> Lease | None:
        """Lease the best request (None when the queue is empty); an entry over ``max_bytes``
        (0: no limit) comes back removed and unleased (``Lease.id`` "")."""
        k = self.keys
        keys = [k.queue, k.leases, k.lease_data, k.lease_seq]
        found = self.guard.call(
            "take a request", lambda: self._pop(keys, [lease_ms, worker, max_bytes])
        )
        if not found:
            return None
        lease_id, payload, size = found
        with contextlib.suppress(UnicodeDecodeError):  # left as bytes: the codec says why
            payload = _text(payload)
        return Lease(_text(lease_id), payload, int(size))

    def renew(self, lease_ids: Iterable[str], lease_ms: int) -> list[str]:
        """Extend the leases; return those already taken back (expired)."""
        ids = list(lease_ids)
        if not ids:
            return []
        lost = self.guard.call(
            "renew leases", lambda: self._renew([self.keys.leases], [lease_ms, *ids])
        )
        return [_text(v) for v in lost]

    def ack(self, lease_id: str) -> bool:
        """Done with the leased request; False if the lease had expired before."""
        keys = [self.keys.leases, self.keys.lease_data, self.keys.lease_claims(lease_id)]
        return bool(self.guard.call("release a lease", lambda: self._ack(keys, [lease_id])))

    def claim(self, lease_id: str, url: str, claims: list[str], lease_ms: int) -> str:
        """ "" when the leased page may write its article (claims taken, lease extended);
        "lost" when the lease expired; else the URL that already has the article."""
        keys = [self.keys.leases, self.keys.lease_claims(lease_id), *claims]
        result = self.guard.call(
            "claim an article", lambda: self._claim(keys, [lease_id, url, lease_ms])
        )
        return _text(result)

    def confirm(self, lease_id: str, url: str) -> int:
        """The article of ``url`` (claimed by ``lease_id``) is durably written: its claims
        become final now. Returns how many did."""
        keys = [self.keys.lease_claims(lease_id)]
        return int(
            self.guard.call("confirm a delivery", lambda: self._confirm(keys, [lease_id, url]))
        )

    def reap(self, max_attempts: int, batch: int = 500) -> tuple[int, int]:
        """Expired leases back to the queue: (requeued, given up)."""
        k = self.keys
        keys = [k.queue, k.leases, k.lease_data, k.dead]
        args: list[EncodableT] = [max_attempts, batch, k.lease_claims()]
        requeued, dead = self.guard.call("take back expired leases", lambda: self._reap(keys, args))
        return int(requeued), int(dead)

    def status(self) -> FrontierStatus:
        def read() -> list[int]:
            pipe: Any = self.server.pipeline(transaction=False)  # chained: see RedisStateStore
            pipe.zcard(self.keys.queue).zcard(self.keys.leases).hlen(self.keys.dead)
            return pipe.execute()

        queued, leased, dead = self.guard.call("read the frontier size", read)
        return FrontierStatus(int(queued), int(leased), int(dead))

    def reset(self) -> int:
        """Delete every key of this crawl (a fresh start); returns how many were deleted."""

        def delete() -> int:
            names = list(self.keys.fixed())
            for pattern in self.keys.patterns():
                names.extend(self.server.scan_iter(match=pattern, count=500))
            return int(self.server.delete(*names)) if names else 0

        return self.guard.call("reset the crawl", delete)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
