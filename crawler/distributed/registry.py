"""The seeded sites, kept in Redis: every worker allows exactly the hosts that were seeded."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from typing import Any

import redis

from crawler.distributed.connection import Guard
from crawler.distributed.keys import CrawlKeys
from crawler.sites import Site

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
    record = json.loads(text)
    known = {f.name for f in dataclasses.fields(Site)}
    values = {k: v for k, v in record.items() if k in known}
    for name in ("allow", "deny"):
        values[name] = [re.compile(p) for p in values.get(name) or []]
    values["origins"] = set(values.get("origins") or [])
    try:
        return Site(**values)
    except TypeError as exc:
        raise ValueError(f"bad site record: {exc}") from None


class SiteRegistry:
    """Register sites (seeding) and read them back (every worker, on start and on a miss)."""

    def __init__(self, server: redis.Redis, keys: CrawlKeys, guard: Guard) -> None:
        self.server = server
        self.keys = keys
        self.guard = guard

    def register(self, sites: list[Site]) -> None:
        if not sites:
            return
        mapping = {site.name: site_to_json(site) for site in sites}
        self.guard.call(
            "register sites", lambda: self.server.hset(self.keys.sites, mapping=mapping)
        )

    def load(self) -> list[Site]:
        raw = self.guard.call("read sites", lambda: self.server.hgetall(self.keys.sites))
        sites = []
        for name, text in sorted(raw.items()):
            try:
                sites.append(site_from_json(text))
            except ValueError as exc:
                logger.error("ignoring seeded site %r: %s", name, exc)
        return sites
