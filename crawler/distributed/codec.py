"""Requests as JSON in the shared queue: nothing read from Redis is ever unpickled.

Whoever can write to the queue can at most ask for a URL, and the scheduler still checks that
URL against the seeded sites. Callbacks are names of methods the spider class itself defines.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import scrapy

FORMAT = 1
# Meta keys that travel with a request; anything else (download slots, proxies, the lease of
# the request it came from) belongs to one worker's process.
KEPT_META = ("depth", "news_attempts")
KEPT_META_PREFIX = "news_"
LEASE_META = "news_lease"


class BadPayload(ValueError):
    """A queue entry that is not a request this spider may run (logged, counted, dropped)."""


def request_to_json(request: scrapy.Request) -> str:
    """The request's portable part as compact JSON with sorted keys (equal requests, equal text)."""
    record: dict[str, Any] = {
        "v": FORMAT,
        "url": request.url,
        "callback": _name(request.callback),
        "errback": _name(request.errback),
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "cb_kwargs": request.cb_kwargs,
        "meta": _portable_meta(request.meta),
    }
    if request.method != "GET":
        record["method"] = request.method
    if request.body:
        record["body"] = base64.b64encode(request.body).decode("ascii")
    try:
        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except TypeError as exc:
        raise BadPayload(f"request {request.url} has arguments that are not JSON: {exc}") from None


def request_from_json(payload: str, spider: scrapy.Spider) -> scrapy.Request:
    """The request a queue entry describes; BadPayload when it is malformed or unsafe."""
    try:
        record = json.loads(payload)
    except ValueError:
        raise BadPayload("not JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        raise BadPayload("no url")
    cb_kwargs = record.get("cb_kwargs") or {}
    meta = record.get("meta") or {}
    if not isinstance(cb_kwargs, dict) or not isinstance(meta, dict):
        raise BadPayload("cb_kwargs and meta must be objects")
    meta = {k: v for k, v in meta.items() if k == "depth" or k.startswith(KEPT_META_PREFIX)}
    meta.pop(LEASE_META, None)
    meta["news_attempts"] = int(record.get("attempts") or 0)
    body = base64.b64decode(record["body"]) if record.get("body") else None
    try:
        return scrapy.Request(
            record["url"],
            method=str(record.get("method") or "GET"),
            body=body,
            callback=_method(spider, record.get("callback")),
            errback=_method(spider, record.get("errback")),
            priority=int(record.get("priority") or 0),
            dont_filter=bool(record.get("dont_filter")),
            cb_kwargs=cb_kwargs,
            meta=meta,
        )
    except (TypeError, ValueError) as exc:
        raise BadPayload(str(exc)) from None


def _name(method: Any) -> str | None:
    if method is None:
        return None
    name = getattr(method, "__name__", None)
    if not isinstance(name, str):
        raise BadPayload(f"callback {method!r} has no name")
    return name


def _method(spider: scrapy.Spider, name: Any) -> Any:
    if name is None:
        return None
    if not isinstance(name, str) or name not in spider_callbacks(type(spider)):
        raise BadPayload(f"unknown callback {name!r}")
    return getattr(spider, name)


def spider_callbacks(spidercls: type) -> set[str]:
    """Public methods the spider class itself defines (not the ones Scrapy's base gives)."""
    names = {"parse"}
    for cls in spidercls.__mro__:
        if cls is scrapy.Spider or cls is object:
            break
        names.update(n for n, v in vars(cls).items() if callable(v) and not n.startswith("_"))
    return names - {"start", "from_crawler", "update_settings", "check_arguments", "close"}


def _portable_meta(meta: dict[str, Any]) -> dict[str, Any]:
    kept = {}
    for key, value in meta.items():
        if key == LEASE_META or not (key in KEPT_META or key.startswith(KEPT_META_PREFIX)):
            continue
        if key == "news_attempts":
            continue
        kept[key] = value
    return kept
