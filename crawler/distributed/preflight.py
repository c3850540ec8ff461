"""Before a Redis-mode command starts the crawl: can it use Redis? One line and an exit code if not.

A wrong password or an unreachable server would otherwise surface as tracebacks from every
component that connects (scheduler, rate limit, state store); checked here first, the user gets
one line that names the server (never the password) and cron an exit code that says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import redis
from scrapy.settings import BaseSettings

from crawler.distributed.connection import (
    RedisUnavailable,
    RetryPolicy,
    open_redis,
    redis_url,
)
from crawler.distributed.keys import CrawlKeys
from crawler.distributed.registry import SiteRegistry
from crawler.exitcodes import ExitCode

# Exit codes of a Redis-mode command (sysexits.h values, documented in docs/operations-redis.md).
EXIT_REDIS_UNAVAILABLE = ExitCode.REDIS_UNAVAILABLE
EXIT_REDIS_REFUSED = ExitCode.REDIS_REFUSED
EXIT_CONFIG = ExitCode.USAGE  # a bad Redis URL, or a worker with no sites it may trust


@dataclass(frozen=True)
class PreflightFailure:
    exit_code: int
    message: str


def where(url: str) -> str:
    """The server a URL names, without its user or password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path or url.split("?", 1)[0].split("@")[-1]
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.hostname or '?'}:{port or 6379}"


def check_redis(
    settings: BaseSettings, own_sites: bool, seeding: bool = False
) -> PreflightFailure | None:
    """None when Redis mode is off, or Redis answers and this worker has sites it may trust.

    ``own_sites``: the command names its sites (``-a start_urls``/``-a sites``); without them a
    worker takes them from the registry, which it trusts only when it cannot write it.
    ``seeding``: ``scrapy seed``, which must be able to write the registry.
    """
    url = redis_url(settings)
    if not url:
        return None
    server_name = where(url)
    policy = RetryPolicy.from_settings(settings)
    try:
        server, guard = open_redis(settings, policy=policy)
        guard.call("connect", server.ping)
        keys = CrawlKeys(settings.get("NEWS_REDIS_PREFIX"))
        writable = SiteRegistry(server, keys, guard).writable()
        if seeding and not writable:
            return PreflightFailure(
                EXIT_REDIS_REFUSED,
                f"error: scrapy seed needs a Redis user that can write the sites registry "
                f"{keys.sites} (the seeding user of docs/operations-redis.md)",
            )
        if not own_sites and writable:
            return PreflightFailure(
                EXIT_CONFIG,
                f"error: this worker has no sites of its own and the sites registry {keys.sites}"
                " is writable by its Redis user, so whoever can write the queue could add sites:"
                " pass -a sites=FILE or -a start_urls=..., or connect as a user that can only"
                " read the registry (docs/operations-redis.md)",
            )
    except ValueError as exc:
        return PreflightFailure(EXIT_CONFIG, f"error: bad Redis URL: {exc}")
    except (
        redis.exceptions.AuthenticationError,
        redis.exceptions.AuthorizationError,
        redis.exceptions.NoPermissionError,
    ) as exc:
        return PreflightFailure(
            EXIT_REDIS_REFUSED, f"error: Redis at {server_name} refused this worker: {exc}"
        )
    except RedisUnavailable as exc:
        cause = exc.__cause__ or exc
        return PreflightFailure(
            EXIT_REDIS_UNAVAILABLE,
            f"error: Redis at {server_name} unreachable for {policy.give_up:g} s "
            f"(NEWS_REDIS_OUTAGE_SECONDS): {cause}",
        )
    except redis.RedisError as exc:
        return PreflightFailure(
            EXIT_REDIS_UNAVAILABLE, f"error: Redis at {server_name} failed: {exc}"
        )
    return None
