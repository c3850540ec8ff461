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

Whoever can write the queue can write these keys too (the crawler user's grant), so what is
read back is untrusted input: an entry of the wrong type, not UTF-8, too long, with a field
missing or not in the shape this store writes (a simhash that is not a 64-bit number, a date
that does not parse, a run that starts in the future) never raises. It is counted once per
key (``redis/bad_state_entries`` and ``redis/bad_state_entries/<kind>``), logged with its
reason and treated as absent: the article is fetched and delivered again rather than lost,
and marking it seen overwrites the bad entry.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from redis.typing import EncodableT
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from crawler.delivery import feed_failed
from crawler.discovery import parse_date
from crawler.distributed.alarms import checked_figures, figures_record
from crawler.distributed.connection import (
    Guard,
    RedisUnavailable,
    open_redis,
    redis_url,
    worker_id,
)
from crawler.distributed.keys import CrawlKeys
from crawler.state.store import (
    ArticleState,
    KnownArticle,
    Recovery,
    SiteMetrics,
    StateStore,
    StateStoreError,
)

logger = logging.getLogger(__name__)

# Mark an article seen, in one atomic step (a script, not MULTI: the crawler's ACL grant has
# @scripting but not @transaction).
# KEYS: article hash, recent zset, alias keys...   ARGV: key, score, fetched_at, field, value...
# A key of another type than this store writes is replaced (it was read as absent), and a
# first_seen not in the shape this store writes is reset. Returns the keys it replaced.
MARK_SEEN = """
local replaced = {}
for i = 1, 2 do
  local kind = redis.call('TYPE', KEYS[i]).ok
  if kind ~= 'none' and kind ~= (i == 1 and 'hash' or 'zset') then
    redis.call('DEL', KEYS[i])
    table.insert(replaced, KEYS[i])
  end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
local first = redis.call('HGET', KEYS[1], 'first_seen')
if not (first and #first <= 64 and string.match(first, '^%d%d%d%d%-%d%d%-%d%dT[%d:%.%+%-Z]*$')) then
  redis.call('HSET', KEYS[1], 'first_seen', ARGV[3])
end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return replaced
"""

# Record a run; a runs key of another type (not something this store wrote) is replaced.
# KEYS: runs hash   ARGV: field, value.   Returns 1 when it replaced the key.
SET_RUN = """
local kind = redis.call('TYPE', KEYS[1]).ok
local replaced = 0
if kind ~= 'none' and kind ~= 'hash' then
  redis.call('DEL', KEYS[1])
  replaced = 1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return replaced
"""

# The fields of an article record, in the order they are read.
ARTICLE_FIELDS = (
    "canonical_key",
    "url",
    "fingerprint",
    "simhash",
    "first_seen",
    "last_seen",
    "etag",
    "last_modified",
)
# Stat of state entries read back that are not what this store writes; "<stat>/<kind>" says
# how (wrong_type, not_utf8, too_large, missing_field, bad_simhash, bad_date, bad_value,
# bad_json).
BAD_STATE_STAT = "redis/bad_state_entries"
# Bad entries logged one by one; past this many, one line per this many (the stat counts all).
BAD_STATE_LOGGED = 100
# Distinct bad keys remembered (so that each is counted and logged once per worker).
BAD_STATE_REMEMBERED = 100_000
# Longest value read back: URLs and keys are far shorter (URLLENGTH_LIMIT).
MAX_VALUE_BYTES = 16384
# A header value sent back as If-None-Match / If-Modified-Since: visible ASCII and spaces.
_HEADER_VALUE = re.compile(r"[\x20-\x7e]{1,1024}")
# A first_seen as this store writes it (ASCII only: the same test as MARK_SEEN's, so that an
# entry read as bad is always reset when the article is marked seen again).
_FIRST_SEEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.+\-Z]{0,53}")
# A run record's start may be ahead of this worker's clock by this much (clock skew); further
# ahead, it is not a start any worker wrote (it would hide every entry older than it).
MAX_CLOCK_SKEW = timedelta(hours=1)
# Runs of one site whose figures are kept (the oldest go first); NEWS_BASELINE_RUNS reads
# at most its own number of them.
SITE_METRICS_KEPT = 100
# A site's history with more entries than this is not one this store wrote: not read at all.
SITE_METRICS_READ_LIMIT = 1000


class BadEntry(ValueError):
    """A state entry read back that is not in the shape this store writes."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _text(value: bytes | str | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _checked_text(value: Any) -> str | None:
    """A value read back as text; BadEntry when it is not UTF-8 or too long."""
    if value is None or isinstance(value, str):
        text = value
    elif isinstance(value, bytes):
        if len(value) > MAX_VALUE_BYTES:
            raise BadEntry("too_large", f"a value of {len(value)} bytes")
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadEntry("not_utf8", f"bytes that are not UTF-8 ({exc.reason})") from None
    else:
        raise BadEntry("bad_value", f"a {type(value).__name__}, not a string")
    if text is not None and len(text) > MAX_VALUE_BYTES:
        raise BadEntry("too_large", f"a value of {len(text)} characters")
    return text


def _site_entry(text: str) -> tuple[float, SiteMetrics]:
    """(recorded at, figures) of one run of a site's history; BadEntry unless it is exactly
    what ``record_site_metrics`` writes (crawler.distributed.alarms.checked_figures)."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadEntry("bad_json", f"site figures that are not JSON ({exc})") from None
    if not isinstance(record, dict) or not isinstance(record.get("figures"), dict):
        raise BadEntry("bad_json", "site figures that are not a JSON object with figures")
    at = record.get("at")
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at):
        raise BadEntry("bad_date", f"recorded at {str(at)[:40]!r}")
    metrics = checked_figures("", record["figures"])
    if metrics is None:
        raise BadEntry("bad_value", f"site figures {str(record['figures'])[:80]!r}")
    return float(at), metrics


def _simhash(value: str | None) -> int:
    if not value:
        raise BadEntry("missing_field", "no simhash")
    if not (value.isascii() and value.isdigit()) or int(value) >= 1 << 64:
        raise BadEntry("bad_simhash", f"simhash {value[:40]!r} is not an unsigned 64-bit number")
    return int(value)


def _header_value(name: str, value: str | None) -> str | None:
    """An ETag / Last-Modified to send back; BadEntry when it could not be a header value."""
    if not value:
        return None
    if not _HEADER_VALUE.fullmatch(value):
        raise BadEntry("bad_value", f"{name} {value[:40]!r} is not a header value")
    return value


def _text_or_repr(value: bytes | str) -> str:
    try:
        return _text(value) or ""
    except UnicodeDecodeError:
        return repr(value)[:100]


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
        self._run_script = server.register_script(SET_RUN)
        self.stats: Any = None
        self._reported: set[str] = set()
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
        server, guard = open_redis(settings, stats)
        store = cls(
            server, CrawlKeys(settings.get("NEWS_REDIS_PREFIX")), guard, worker_id(settings)
        )
        store.stats = stats
        store._call("open the state store", server.ping)
        return store

    def _pipeline(self) -> Any:
        """A pipeline without MULTI. Typed Any: redis-py types a queued command as returning
        its reply, so chained commands and ``execute`` do not type-check as written."""
        return self.server.pipeline(transaction=False)

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
        record = {"started_at": started_at.astimezone(UTC).isoformat(), "status": "running"}
        self._set_run(self._run_field(run_id), record)

    def _set_run(self, field: str, record: dict[str, Any]) -> None:
        replaced = self._call(
            "record the run",
            lambda: self._run_script([self.keys.runs], [field, json.dumps(record)]),
        )
        if replaced:
            self._bad(self.keys.runs, BadEntry("wrong_type", "replaced by a new runs hash"))

    def finish_run(self, run_id: str, succeeded: bool) -> None:
        field = self._run_field(run_id)
        raw = self._call(
            "read the run",
            lambda: self._pipeline().hget(self.keys.runs, field).execute(raise_on_error=False)[0],
        )
        record = self._run_record(f"{self.keys.runs} {field}", raw) or {"started_at": _now()}
        record.update(status="succeeded" if succeeded else "failed", finished_at=_now())
        self._set_run(field, record)

    def _run_record(self, where: str, raw: Any) -> dict[str, Any] | None:
        """A run record read back, or None when absent or bad (counted, logged)."""
        if raw is None:
            return None
        try:
            if isinstance(raw, Exception):
                raise BadEntry("wrong_type", str(raw))
            record = json.loads(_checked_text(raw) or "")
            if not isinstance(record, dict):
                raise BadEntry("bad_json", "a run record that is not a JSON object")
            if not isinstance(record.get("started_at"), str):
                raise BadEntry("missing_field", "no started_at")
        except (ValueError, RecursionError) as exc:
            self._bad(where, exc if isinstance(exc, BadEntry) else BadEntry("bad_json", str(exc)))
            return None
        return record

    def last_successful_start(self) -> datetime | None:
        """Start of the latest succeeded run; bad records (a start in the future among them:
        it would hide every sitemap entry older than it) are left out."""
        raw = self._call(
            "read the runs",
            lambda: self._pipeline().hgetall(self.keys.runs).execute(raise_on_error=False)[0],
        )
        if isinstance(raw, Exception):
            self._bad(self.keys.runs, BadEntry("wrong_type", str(raw)))
            return None
        latest = datetime.now(UTC) + MAX_CLOCK_SKEW
        starts = []
        for field, value in raw.items():
            where = f"{self.keys.runs} {_text_or_repr(field)}"
            record = self._run_record(where, value)
            if record is None or record.get("status") != "succeeded":
                continue
            started = parse_date(record["started_at"])
            if started is None or started > latest:
                self._bad(where, BadEntry("bad_date", f"started_at {record['started_at'][:40]!r}"))
                continue
            starts.append(started)
        return max(starts) if starts else None

    # --- bad entries -------------------------------------------------------------------
    def _bad(self, where: str, error: BadEntry) -> None:
        """Count and log a bad entry, once per key in this worker."""
        if where in self._reported:
            return
        if len(self._reported) < BAD_STATE_REMEMBERED:
            self._reported.add(where)
        count = 1
        if self.stats is not None:
            self.stats.inc_value(BAD_STATE_STAT)
            self.stats.inc_value(f"{BAD_STATE_STAT}/{error.kind}")
            count = self.stats.get_value(BAD_STATE_STAT, 1)
        if count <= BAD_STATE_LOGGED:
            logger.error(
                "bad state entry %s (%s): %s; treated as absent", where[:200], error.kind, error
            )
        elif count % 1000 == 0:
            logger.error("%d bad state entries so far (last: %s)", count, error)

    # --- per-site figures (crawler.health) ------------------------------------------------
    def record_site_metrics(self, run_id: str, metrics: list[SiteMetrics]) -> None:
        """Keep the crawl run's per-site figures (already summed over its workers); the same
        run recorded again (two workers judging it) overwrites its own entry."""
        seconds, micro = self._call("read the Redis clock", self.server.time)
        now = seconds + micro / 1e6
        for item in metrics:
            key = self.keys.site_metrics(item.site)
            value = json.dumps({"at": now, "figures": figures_record([item])[item.site]})
            replaced = self._call(
                "record site figures", lambda k=key, v=value: self._run_script([k], [run_id, v])
            )
            if replaced:
                self._bad(key, BadEntry("wrong_type", "replaced by a new site-metrics hash"))
            self._trim(key)

    def _trim(self, key: str) -> None:
        """Drop the oldest runs past SITE_METRICS_KEPT (bad entries first)."""
        if self._call("count site figures", lambda: self.server.hlen(key)) <= SITE_METRICS_KEPT:
            return
        entries = self._site_entries(key, count_bad=False)
        if entries is None:
            return
        keep = {run for run, _, _ in entries[:SITE_METRICS_KEPT]}
        raw = self._call("read site figures", lambda: self.server.hkeys(key))
        drop = [name for name in raw if _text_or_repr(name) not in keep]
        if drop:
            self._call("trim site figures", lambda: self.server.hdel(key, *drop))

    def site_history(self, site: str, limit: int, exclude_run: str = "") -> list[SiteMetrics]:
        """The site's figures in its ``limit`` latest recorded runs, newest first, without
        ``exclude_run`` (the crawl being judged, which a worker judging it too may have
        recorded already)."""
        entries = self._site_entries(self.keys.site_metrics(site))
        if not entries:
            return []
        found = [replace(m, site=site) for run, _, m in entries if run != exclude_run]
        return found[: max(limit, 0)]

    def _site_entries(
        self, key: str, count_bad: bool = True
    ) -> list[tuple[str, float, SiteMetrics]] | None:
        """(run id, recorded at, figures) of the valid entries, newest first; None when the
        key is not a hash this store writes. Bad entries are counted, logged and left out."""

        def read() -> list[Any]:
            pipe = self.server.pipeline(transaction=False)
            pipe.hlen(key)
            return pipe.execute(raise_on_error=False)

        (size,) = self._call("read site figures", read)
        bad = self._bad if count_bad else (lambda where, error: None)
        if isinstance(size, Exception):
            bad(key, BadEntry("wrong_type", str(size)))
            return None
        if size > SITE_METRICS_READ_LIMIT:
            bad(key, BadEntry("too_large", f"{size} entries in a site's history"))
            return None
        raw = self._call("read site figures", lambda: self.server.hgetall(key))
        entries = []
        for name, value in raw.items():
            where = f"{key} {_text_or_repr(name)[:100]}"
            try:
                run = _checked_text(name) or ""
                entries.append((run, *_site_entry(_checked_text(value) or "")))
            except BadEntry as exc:
                bad(where, exc)
        entries.sort(key=lambda entry: entry[1], reverse=True)
        return entries

    # --- articles ----------------------------------------------------------------------
    def seen(self, key: str) -> KnownArticle | None:
        """The article reachable by ``key`` (its own record, else the one its alias names);
        None when there is none or what is there is bad (counted, logged)."""
        article_key, alias_key = self.keys.article(key), self.keys.alias(key)

        def read() -> list[Any]:
            pipe = self._pipeline()
            pipe.hmget(article_key, list(ARTICLE_FIELDS)).get(alias_key)
            return pipe.execute(raise_on_error=False)

        row, alias = self._call("look up an article", read)
        known = self._known(key, article_key, row)
        if known is not None or alias is None:
            return known
        target = self._alias_target(alias_key, alias)
        if target is None:
            return None
        target_key = self.keys.article(target)
        row = self._call(
            "look up an article",
            lambda: (
                self._pipeline()
                .hmget(target_key, list(ARTICLE_FIELDS))
                .execute(raise_on_error=False)[0]
            ),
        )
        return self._known(key, target_key, row, canonical=target)

    def _known(
        self, key: str, redis_key: str, row: Any, canonical: str | None = None
    ) -> KnownArticle | None:
        """The article record ``row`` read from ``redis_key``, or None (absent or bad)."""
        if isinstance(row, Exception):
            self._bad(redis_key, BadEntry("wrong_type", str(row)))
            return None
        if not row or all(v is None for v in row):
            return None
        try:
            data = dict(zip(ARTICLE_FIELDS, (_checked_text(v) for v in row), strict=True))
            for name in ("url", "fingerprint", "last_seen"):
                if not data[name]:
                    raise BadEntry("missing_field", f"no {name}")
            simhash = _simhash(data["simhash"])
            if parse_date(data["last_seen"]) is None:
                raise BadEntry("bad_date", f"last_seen {str(data['last_seen'])[:40]!r}")
            first_seen = data["first_seen"] or ""
            if first_seen and not _FIRST_SEEN.fullmatch(first_seen):
                raise BadEntry("bad_date", f"first_seen {first_seen[:40]!r}")
            etag = _header_value("etag", data["etag"])
            last_modified = _header_value("last_modified", data["last_modified"])
        except BadEntry as exc:
            self._bad(redis_key, exc)
            return None
        return KnownArticle(
            key=key,
            canonical_key=data["canonical_key"] or canonical or key,
            url=data["url"] or "",
            fingerprint=data["fingerprint"] or "",
            simhash=simhash,
            first_seen=first_seen,
            last_seen=data["last_seen"] or "",
            etag=etag,
            last_modified=last_modified,
        )

    def _alias_target(self, alias_key: str, value: Any) -> str | None:
        """The article key an alias names, or None when the alias is bad (counted, logged)."""
        try:
            if isinstance(value, Exception):
                raise BadEntry("wrong_type", str(value))
            target = _checked_text(value)
            if not target or not target.isprintable() or " " in target:
                raise BadEntry("bad_value", f"alias target {str(target)[:40]!r}")
        except BadEntry as exc:
            self._bad(alias_key, exc)
            return None
        return target

    def recent_simhashes(self, limit: int) -> list[tuple[int, str, str]]:
        """(simhash, key, url) of the most recent articles; bad entries are left out."""
        if limit <= 0:
            return []

        def read() -> tuple[Any, list[Any]]:
            members = self.server.pipeline(transaction=False)
            members.zrevrange(self.keys.recent, 0, limit - 1)
            (found,) = members.execute(raise_on_error=False)
            if isinstance(found, Exception):
                return found, []
            pipe = self.server.pipeline(transaction=False)
            for member in found:
                pipe.hmget(self.keys.article(_text(member) or ""), "simhash", "url")
            return found, pipe.execute(raise_on_error=False)

        found, rows = self._call("read recent articles", read)
        if isinstance(found, Exception):
            self._bad(self.keys.recent, BadEntry("wrong_type", str(found)))
            return []
        out = []
        for member, row in zip(found, rows, strict=True):
            try:
                key = _checked_text(member) or ""
            except BadEntry as exc:
                self._bad(self.keys.recent, exc)
                continue
            redis_key = self.keys.article(key)
            try:
                if isinstance(row, Exception):
                    raise BadEntry("wrong_type", str(row))
                value, url = row
                if value is None:
                    continue
                out.append((_simhash(_checked_text(value)), key, _checked_text(url) or ""))
            except BadEntry as exc:
                self._bad(redis_key, exc)
        return out

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
        args: list[EncodableT] = [article.key, _epoch(article.fetched_at), article.fetched_at]
        for name, value in fields.items():
            args += [name, value]

        replaced = self._call("mark an article seen", lambda: self._mark_seen(keys, args))
        for name in replaced or []:
            self._bad(_text(name) or "", BadEntry("wrong_type", "replaced by a new record"))

    # --- delivery (the feed lines are the delivery: nothing to commit) ------------------
    def register_file(self, run_id: str, tmp: str, final: str) -> None:
        return None

    def commit_delivery(self, run_id: str, tmp: str, final: str) -> int:
        return self._marked.pop(run_id, 0)

    def mark_delivered(self, run_id: str, final: str) -> None:
        return None

    def close(self) -> None:
        self.server.close()
