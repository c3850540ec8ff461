"""The Redis connection of a distributed crawl, and the retry-with-backoff every call goes through."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors worth waiting out: the server is down, restarting, or still loading its append-only file.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
# Errors that waiting does not cure (a wrong password stays wrong): fail at once.
FATAL_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.AuthenticationError,
    redis.exceptions.AuthorizationError,
)


class RedisUnavailable(RuntimeError):
    """Redis stayed unreachable longer than ``NEWS_REDIS_OUTAGE_SECONDS``."""


def redis_url(settings: BaseSettings) -> str | None:
    """The URL that turns distributed mode on: ``NEWS_REDIS_URL``, else env ``REDIS_URL``."""
    url = settings.get("NEWS_REDIS_URL") or os.environ.get("REDIS_URL") or ""
    return url.strip() or None


def worker_id(settings: BaseSettings) -> str:
    """This worker's name in Redis and in file names: ``NEWS_REDIS_WORKER_ID`` or host-pid."""
    raw = settings.get("NEWS_REDIS_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(raw))


def connect(url: str, settings: BaseSettings) -> redis.Redis:
    """A client for ``url`` (redis://, rediss:// for TLS, unix://; password in the URL).

    Short socket timeouts so that a dead server is noticed in seconds, not after 30.
    """
    timeout = settings.getfloat("NEWS_REDIS_SOCKET_TIMEOUT")
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
    )


@dataclass
class RetryPolicy:
    """Exponential backoff from ``first`` to ``longest`` seconds, giving up after ``give_up``."""

    first: float = 0.1
    longest: float = 5.0
    give_up: float = 300.0

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RetryPolicy:
        return cls(
            first=settings.getfloat("NEWS_REDIS_RETRY_FIRST_SECONDS"),
            longest=settings.getfloat("NEWS_REDIS_RETRY_MAX_SECONDS"),
            give_up=settings.getfloat("NEWS_REDIS_OUTAGE_SECONDS"),
        )


class Guard:
    """Runs Redis calls through redis-py's ``Retry``: transient errors are retried with backoff
    until the outage has lasted ``give_up`` seconds; outages are counted and logged.

    It blocks the calling thread while it waits: with Redis down a worker can neither take nor
    hand back work, so pausing is the honest thing to do, and nothing is dropped meanwhile.
    """

    def __init__(self, policy: RetryPolicy, stats: Any = None) -> None:
        self.policy = policy
        self.stats = stats
        self.down_since: float | None = None
        # Retry forever (-1): the outage clock in _failed decides when to give up.
        # ExponentialBackoff waits base * 2**failures, so the first wait is ``policy.first``.
        self.retry = Retry(
            ExponentialBackoff(cap=policy.longest, base=policy.first / 2), -1, TRANSIENT_ERRORS
        )

    def call(self, what: str, fn: Callable[[], T]) -> T:
        result = self.retry.call_with_retry(
            fn, lambda exc: self._failed(what, exc), is_retryable=_waitable
        )
        self._recovered()
        return result

    def _failed(self, what: str, exc: Exception) -> None:
        if self.stats is not None:
            self.stats.inc_value("redis/retries")
        if self.down_since is None:
            self.down_since = time.monotonic()
            logger.warning("redis unreachable (%s: %s); retrying with backoff", what, exc)
        if time.monotonic() - self.down_since > self.policy.give_up:
            raise RedisUnavailable(f"redis unreachable while trying to {what}") from exc

    def _recovered(self) -> None:
        if self.down_since is not None:
            logger.warning("redis reachable again after %.1fs", time.monotonic() - self.down_since)
            if self.stats is not None:
                self.stats.inc_value("redis/outages")
            self.down_since = None


def _waitable(exc: Exception) -> bool:
    """A wrong password is a ConnectionError to redis-py too, but waiting does not cure it."""
    return not isinstance(exc, FATAL_ERRORS)


class RedisLink(NamedTuple):
    """A component's Redis client and the guard its calls go through."""

    server: redis.Redis
    guard: Guard


def open_redis(
    settings: BaseSettings, stats: Any = None, policy: RetryPolicy | None = None
) -> RedisLink:
    """The one way components reach Redis: a client for ``redis_url(settings)`` and a Guard
    retrying under ``policy`` (default: the NEWS_REDIS_RETRY_* and _OUTAGE_SECONDS settings)."""
    return RedisLink(
        connect(redis_url(settings) or "", settings),
        Guard(policy or RetryPolicy.from_settings(settings), stats),
    )
