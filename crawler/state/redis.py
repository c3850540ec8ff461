"""The Redis state store: the incremental state shared by every worker of a distributed crawl.

In Redis mode each worker writes its feed line by line and releases a page's lease only after
the page's lines are written (``crawler.distributed``). So an article is delivered the moment
its line is written, not when a run's file is renamed: ``add_pending`` (called on
``item_scraped``, after the feed exporter wrote the line and before the lease is released)
marks it seen at once, in one MULTI step. There is no run file to commit: ``commit_delivery``
only reports how many articles the run marked, and there is no lock, since workers share the
store by design.

Keys live under the crawl's prefix (``CrawlKeys``), in ``<prefix>:state:*``, which
``scrapy seed --reset`` keeps: the next runs skip what any worker delivered.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.delivery import feed_failed
from crawler.distributed.connection import (
    Guard,
    RedisUnavailable,
    RetryPolicy,
    connect,
    redis_url,
    worker_id,
)
from crawler.distributed.keys import CrawlKeys
from crawler.state.store import (
    ArticleState,
    KnownArticle,
    Recovery,
    StateStore,
    StateStoreError,
)

logger = logging.getLogger(__name__)

# Mark an article seen, in one atomic step (a script, not MULTI: the crawler's ACL grant has
# @scripting but not @transaction).
# KEYS: article hash, recent zset, alias keys...   ARGV: key, score, fetched_at, field, value...
MARK_SEEN = """
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('HSETNX', KEYS[1], 'first_seen', ARGV[3])
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
"""


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return datetime.now(UTC).timestamp()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class RedisStateStore(StateStore):
    """Known articles and run records in Redis, shared by all workers of the crawl."""

    def __init__(self, server: redis.Redis, keys: CrawlKeys, guard: Guard, worker: str) -> None:
        self.server = server
        self.keys = keys
        self.guard = guard
        self.worker = worker
        self._mark_seen = server.register_script(MARK_SEEN)
        self._marked: dict[str, int] = {}
        # Set by from_crawler: after a failed feed write nothing more is marked seen.
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisStateStore:
        store = cls.from_settings(crawler.settings, crawler.stats)
        store.crawler = crawler
        return store

    @classmethod
    def from_settings(cls, settings: BaseSettings, stats: Any = None) -> RedisStateStore:
        url = redis_url(settings)
        if not url:
            raise StateStoreError("the Redis state store needs NEWS_REDIS_URL or REDIS_URL")
        server = connect(url, settings)
        guard = Guard(RetryPolicy.from_settings(settings), stats)
        store = cls(
            server, CrawlKeys(settings.get("NEWS_REDIS_PREFIX")), guard, worker_id(settings)
        )
        store._call("open the state store", server.ping)
        return store

    def _call(self, what: str, fn: Any) -> Any:
        try:
            return self.guard.call(what, fn)
        except (RedisUnavailable, redis.RedisError) as exc:
            raise StateStoreError(f"redis state store: cannot {what}: {exc}") from exc

    # --- runs and recovery -------------------------------------------------------------
    def recover(self) -> Recovery:
        """Nothing to finish: articles are marked seen as their lines are written, and a dead
        worker's unreleased pages are redone by the others (lease expiry)."""
        return Recovery()

    def _run_field(self, run_id: str) -> str:
        return f"{self.worker}:{run_id}"

    def begin_run(self, run_id: str, started_at: datetime) -> None:
        record = json.dumps(
            {"started_at": started_at.astimezone(UTC).isoformat(), "status": "running"}
        )
        self._call(
            "record the run",
            lambda: self.server.hset(self.keys.runs, self._run_field(run_id), record),
        )

    def finish_run(self, run_id: str, succeeded: bool) -> None:
        field = self._run_field(run_id)
        raw = _text(self._call("read the run", lambda: self.server.hget(self.keys.runs, field)))
        record = json.loads(raw) if raw else {"started_at": _now()}
        record.update(status="succeeded" if succeeded else "failed", finished_at=_now())
        self._call(
            "record the run's outcome",
            lambda: self.server.hset(self.keys.runs, field, json.dumps(record)),
        )

    def last_successful_start(self) -> datetime | None:
        raw = self._call("read the runs", lambda: self.server.hvals(self.keys.runs))
        starts = []
        for value in raw:
            try:
                record = json.loads(_text(value) or "")
                if record.get("status") == "succeeded":
                    starts.append(datetime.fromisoformat(record["started_at"]))
            except (ValueError, KeyError, TypeError):
                continue
        return max(starts) if starts else None

    # --- articles ----------------------------------------------------------------------
    def seen(self, key: str) -> KnownArticle | None:
        def read() -> tuple[dict[bytes, bytes], bytes | None]:
            pipe = self.server.pipeline(transaction=False)
            pipe.hgetall(self.keys.article(key)).get(self.keys.alias(key))
            row, alias = pipe.execute()
            if not row and alias:
                row = self.server.hgetall(self.keys.article(_text(alias) or ""))
            return row, alias

        row, _ = self._call("look up an article", read)
        if not row:
            return None
        data = {_text(k): _text(v) for k, v in row.items()}
        return KnownArticle(
            key=key,
            canonical_key=data.get("canonical_key") or key,
            url=data.get("url") or "",
            fingerprint=data.get("fingerprint") or "",
            simhash=int(data.get("simhash") or 0),
            first_seen=data.get("first_seen") or "",
            last_seen=data.get("last_seen") or "",
            etag=data.get("etag") or None,
            last_modified=data.get("last_modified") or None,
        )

    def recent_simhashes(self, limit: int) -> list[tuple[int, str, str]]:
        def read() -> list[tuple[int, str, str]]:
            keys = [_text(k) or "" for k in self.server.zrevrange(self.keys.recent, 0, limit - 1)]
            pipe = self.server.pipeline(transaction=False)
            for k in keys:
                pipe.hmget(self.keys.article(k), "simhash", "url")
            out = []
            for k, (value, url) in zip(keys, pipe.execute(), strict=True):
                if value is not None:
                    out.append((int(value), k, _text(url) or ""))
            return out

        return self._call("read recent articles", read) if limit > 0 else []

    def add_pending(self, run_id: str, article: ArticleState) -> None:
        """Marks ``article`` seen now: in Redis mode its line is already written (see the
        module docstring), and the page's lease is released only after this. After a failed
        feed write of this worker the line did not land: nothing is marked (crawler.delivery)."""
        if self.crawler is not None and feed_failed(self.crawler):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("redis/state_not_marked_after_failed_write")
            return
        self.mark_seen(article, run_id)
        self._marked[run_id] = self._marked.get(run_id, 0) + 1

    def mark_seen(self, article: ArticleState, run_id: str = "") -> None:
        """One atomic step: the article's record (first_seen kept), its aliases, its recency."""
        k = self.keys
        fields = {
            "canonical_key": article.key,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "site": article.site,
            "fingerprint": article.fingerprint,
            "simhash": str(article.simhash),
            "etag": article.etag or "",
            "last_modified": article.last_modified or "",
            "last_seen": article.fetched_at,
            "run_id": run_id,
        }
        keys = [k.article(article.key), k.recent, *(k.alias(a) for a in article.aliases)]
        args = [article.key, _epoch(article.fetched_at), article.fetched_at]
        for name, value in fields.items():
            args += [name, value]

        def write() -> None:
            self._mark_seen(keys, args)

        self._call("mark an article seen", write)

    # --- delivery (the feed lines are the delivery: nothing to commit) ------------------
    def register_file(self, run_id: str, tmp: str, final: str) -> None:
        return None

    def commit_delivery(self, run_id: str, tmp: str, final: str) -> int:
        return self._marked.pop(run_id, 0)

    def mark_delivered(self, run_id: str, final: str) -> None:
        return None

    def close(self) -> None:
        self.server.close()
