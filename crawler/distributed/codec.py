"""Requests as JSON in the shared queue: nothing read from Redis is ever unpickled or trusted.

Whoever can write to the queue can at most ask for a GET of a URL: an entry is checked field by
field against the one shape this module writes (known keys, their types, GET without a body,
a bounded size), and the scheduler still checks the URL against the seeded sites. Callbacks are
names of methods the spider class itself defines, and their keyword arguments must be
parameters of that method.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import scrapy

FORMAT = 1
# Meta keys that travel with a request; anything else (download slots, proxies, the lease of
# the request it came from) belongs to one worker's process.
KEPT_META = ("depth", "news_attempts")
KEPT_META_PREFIX = "news_"
LEASE_META = "news_lease"
# The keys an entry may have; anything else is not something this module wrote.
ENTRY_KEYS = frozenset(
    {"v", "url", "callback", "errback", "priority", "dont_filter", "cb_kwargs", "meta", "attempts"}
)
# Bounds on what an entry may ask for (a priority out of them is not one Scrapy gives).
MAX_PRIORITY = 1_000_000
MAX_TEXT = 2048  # one meta or cb_kwargs string
MAX_ITEMS = 32  # keys in meta or cb_kwargs


class BadPayload(ValueError):
    """A queue entry that is not a request this spider may run (logged, counted, dropped).

    ``kind`` is a short stat-friendly name of what was wrong."""

    def __init__(self, message: str, kind: str = "malformed") -> None:
        super().__init__(message)
        self.kind = kind


def request_to_json(request: scrapy.Request) -> str:
    """The request's portable part as compact JSON with sorted keys (equal requests, equal text).

    Only GET requests without a body travel: a worker never runs anything else from the queue.
    """
    if request.method != "GET" or request.body:
        raise BadPayload(f"request {request.url} is a {request.method} with a body", "not_get")
    record: dict[str, Any] = {
        "v": FORMAT,
        "url": request.url,
        "callback": _name(request.callback),
        "errback": _name(request.errback),
        "priority": request.priority,
        "dont_filter": request.dont_filter,
        "cb_kwargs": request.cb_kwargs,
        # Checked as on the way back, so an entry a worker writes is one every worker runs.
        "meta": _checked_meta(_portable_meta(request.meta)),
    }
    try:
        return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise BadPayload(f"request {request.url} has arguments that are not JSON: {exc}") from None


def request_from_json(
    payload: str | bytes, spider: scrapy.Spider, max_bytes: int = 0
) -> scrapy.Request:
    """The request a queue entry describes; BadPayload when it is malformed or unsafe.

    Never raises anything else, whatever the entry holds (bytes that are not UTF-8, a pickle,
    deep nesting, wrong types, huge numbers)."""
    if max_bytes and len(payload) > max_bytes:
        raise BadPayload(f"entry of {len(payload)} bytes, over the {max_bytes} limit", "too_large")
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise BadPayload("not UTF-8 (a pickle, or binary data?)", "not_utf8") from None
    try:
        record = json.loads(payload)
    except (ValueError, RecursionError):
        raise BadPayload("not JSON", "not_json") from None
    if not isinstance(record, dict):
        raise BadPayload("not a JSON object", "not_json")
    unknown = sorted(set(record) - ENTRY_KEYS - {"method", "body"})
    if unknown:
        raise BadPayload(f"unexpected keys {unknown[:5]}", "bad_field")
    if record.get("method", "GET") != "GET" or record.get("body") not in (None, ""):
        raise BadPayload(
            f"asks for method {record.get('method', 'GET')!r} with a body: only GET runs", "not_get"
        )
    if record.get("v") != FORMAT:
        raise BadPayload(f"format version {record.get('v')!r}, not {FORMAT}", "bad_field")
    url = _field(record, "url", str)
    if not url.startswith(("http://", "https://")):
        raise BadPayload("url is not http(s)", "bad_field")
    callback = _method(spider, record.get("callback"))
    errback = _method(spider, record.get("errback"), "failure")
    target = callback if callback is not None else _method(spider, "parse")
    cb_kwargs = _checked_kwargs(_field(record, "cb_kwargs", dict, {}), target)
    meta = _checked_meta(_field(record, "meta", dict, {}))
    attempts = _field(record, "attempts", int, 0)
    priority = _field(record, "priority", int, 0)
    if attempts < 0 or not -MAX_PRIORITY <= priority <= MAX_PRIORITY:
        raise BadPayload("attempts or priority out of range", "bad_field")
    meta["news_attempts"] = attempts
    try:
        return scrapy.Request(
            url,
            callback=callback,
            errback=errback,
            priority=priority,
            dont_filter=_field(record, "dont_filter", bool, False),
            cb_kwargs=cb_kwargs,
            meta=meta,
        )
    except (TypeError, ValueError) as exc:
        raise BadPayload(f"not a request: {exc}", "bad_field") from None


def _field(record: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    """``record[key]`` when it has type ``kind`` (bool is not an int here); a missing or null
    key gives ``default`` when there is one."""
    value = record.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadPayload(f"{key} is {type(value).__name__}, not {kind.__name__}", "bad_field")
    return value


def _scalar(key: str, value: Any) -> None:
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int) and abs(value) <= MAX_PRIORITY:
        return
    raise BadPayload(f"{key} is not a short string, a small number or a boolean", "bad_field")


def _checked_meta(meta: dict[str, Any]) -> dict[str, Any]:
    if len(meta) > MAX_ITEMS:
        raise BadPayload(f"meta has {len(meta)} keys", "bad_field")
    kept = {}
    for key, value in meta.items():
        if key == LEASE_META or key == "news_attempts":
            continue
        if key == "depth" or key.startswith(KEPT_META_PREFIX):
            _scalar(f"meta {key!r}", value)
            kept[key] = value
    depth = kept.get("depth", 0)
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise BadPayload("meta depth is not a non-negative integer", "bad_field")
    return kept


def _checked_kwargs(kwargs: dict[str, Any], callback: Any) -> dict[str, Any]:
    """Keyword arguments the callback takes, each a plain value, none it needs missing:
    anything else would raise in the callback, a page lost after its fetch."""
    params = dict(list(inspect.signature(callback).parameters.items())[1:])  # after response
    missing = [
        name
        for name, p in params.items()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and name not in kwargs
    ]
    if missing:
        raise BadPayload(f"callback {callback.__name__} needs {missing[:3]}", "bad_field")
    for key, value in kwargs.items():
        param = params.get(key)
        if param is None or param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            raise BadPayload(f"callback {callback.__name__} takes no argument {key!r}", "bad_field")
        _scalar(f"cb_kwargs {key!r}", value)
    return kwargs


def _name(method: Any) -> str | None:
    if method is None:
        return None
    name = getattr(method, "__name__", None)
    if not isinstance(name, str):
        raise BadPayload(f"callback {method!r} has no name")
    return name


def _method(spider: scrapy.Spider, name: Any, takes: str = "response") -> Any:
    """The spider's method ``name`` if it is one of its own whose first argument is
    ``takes`` (a callback takes the response, an errback the failure: Scrapy's convention,
    which keeps helpers like ``site_for`` from being called as callbacks)."""
    if name is None:
        return None
    if not isinstance(name, str) or name not in spider_callbacks(type(spider)):
        raise BadPayload(f"unknown callback {str(name)[:80]!r}", "bad_callback")
    method = getattr(spider, name)
    first = next(iter(inspect.signature(method).parameters), None)
    if first != takes:
        raise BadPayload(f"{name} does not take a {takes}", "bad_callback")
    return method


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
