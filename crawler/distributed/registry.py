"""The seeded sites, kept in Redis: every worker allows exactly the hosts that were seeded.

The registry widens what a worker may fetch, so a worker trusts it only when its own Redis user
cannot write it (docs/operations-redis.md: the seeding user writes it, the crawler user only
reads it); ``SiteRegistry.writable`` checks that against the server's ACL.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any

import redis
from redis.typing import EncodableT

from crawler.distributed.connection import Guard
from crawler.distributed.keys import CrawlKeys
from crawler.sites import Site, checked_url

logger = logging.getLogger(__name__)


def site_to_json(site: Site) -> str:
    record: dict[str, Any] = {}
    for f in dataclasses.fields(site):
        value = getattr(site, f.name)
        if f.name in ("allow", "deny"):
            value = [p.pattern for p in value]
        elif isinstance(value, set):
            value = sorted(value)
        record[f.name] = value
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def site_from_json(text: str | bytes) -> Site:
    """A Site from its JSON; ValueError when the record does not describe one."""
    try:
        record = json.loads(text)
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        known = {f.name for f in dataclasses.fields(Site)} - {"_origin_cache"}
        values = {k: v for k, v in record.items() if k in known}
        for name in ("allow", "deny"):
            values[name] = [re.compile(p) for p in values.get(name) or []]
        values["origins"] = set(values.get("origins") or [])
        values["start_urls"] = [checked_url(u) for u in values.get("start_urls") or []]
        site = Site(**values)
    except (ValueError, TypeError, AttributeError, re.error, RecursionError) as exc:
        raise ValueError(f"bad site record: {exc}") from None
    if not isinstance(site.name, str) or not isinstance(site.max_pages, int):
        raise ValueError("bad site record: name or max_pages of the wrong type")
    return site


# A field no site has: deleting it changes nothing, but Redis checks the write permission.
_PROBE_FIELD = "\x00write-permission-probe"


class SiteRegistry:
    """Register sites (seeding) and read them back (every worker, on start and on a miss)."""

    def __init__(self, server: redis.Redis, keys: CrawlKeys, guard: Guard) -> None:
        self.server = server
        self.keys = keys
        self.guard = guard

    def writable(self) -> bool:
        """Whether this connection's Redis user may write the registry (then anyone with its
        password could add a site, and a worker must not trust what it reads there)."""
        try:
            self.guard.call(
                "check the sites registry's permissions",
                lambda: self.server.hdel(self.keys.sites, _PROBE_FIELD),
            )
        except redis.exceptions.NoPermissionError:
            return False
        except redis.exceptions.ResponseError as exc:  # e.g. the key is not a hash
            logger.error("the sites registry %s is unusable: %s", self.keys.sites, exc)
        return True

    def register(self, sites: list[Site]) -> None:
        if not sites:
            return
        mapping: dict[EncodableT, EncodableT] = {site.name: site_to_json(site) for site in sites}
        self.guard.call(
            "register sites", lambda: self.server.hset(self.keys.sites, mapping=mapping)
        )

    def load(self) -> list[Site]:
        try:
            raw = self.guard.call("read sites", lambda: self.server.hgetall(self.keys.sites))
        except redis.exceptions.ResponseError as exc:  # no permission, or not a hash
            logger.error("cannot read the sites registry %s: %s", self.keys.sites, exc)
            return []
        sites = []
        for name, text in sorted(raw.items()):
            try:
                sites.append(site_from_json(text))
            except ValueError as exc:
                logger.error("ignoring seeded site %r: %s", name[:100], exc)
        return sites
