"""The sites file (``-a sites=sites.toml`` or ``.yaml``): the portals a scheduled run covers.

One table per site under ``[sites.<name>]``; see ``sites.example.toml``. Every problem is
reported as one line naming the site and the key, before any request is made.

The file may be UTF-8 (with or without a BOM), UTF-16 or UTF-32 with a BOM, or GB18030 (which
includes GBK and GB2312, what Chinese editors save by default); any other bytes are one error
line asking for UTF-8.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from crawler.sites import InvalidURL, Site, checked_url
from reader.siterules import RuleError, SiteRules, compile_rules

SITE_KEYS = {
    "start_urls": "listing pages to start from (links are followed)",
    "feeds": "RSS or Atom feed URLs",
    "sitemaps": "sitemap or sitemap index URLs (robots.txt Sitemap: lines are added)",
    "allow": "regular expressions: only matching URLs are requested",
    "deny": "regular expressions: matching URLs are never requested",
    "max_pages": "pages fetched per run at most (positive integer)",
    "language": "ISO 639-1 language hint",
    "timezone": "IANA timezone of dates without an offset",
    "prune_xpaths": "XPath expressions of blocks to remove before extraction",
    "prune_css": "CSS selectors of blocks to remove before extraction",
    "rules": "extraction rules: body, remove, title, authors, published, next_page (XPath or css:...)",
    "archive": "true: keep the site's fetched pages in WARC files (docs/archive.md)",
}
_URL_LISTS = ("start_urls", "feeds", "sitemaps")
# Larger than any list of portals: a path to something else (a device, a dump) is refused.
MAX_FILE_BYTES = 4 * 1024 * 1024
# Byte order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class SitesFileError(ValueError):
    """A sites file that cannot be used; the message names the file, site and key."""


def load_sites_file(path: str | Path) -> list[Site]:
    """The sites a TOML or YAML file lists, checked; SitesFileError on the first problem."""
    path = Path(path)
    data = _read(path)
    sites_table = data.get("sites")
    extra = sorted(set(data) - {"sites"})
    if extra:
        raise SitesFileError(f"{path}: unknown top-level key {extra[0]!r} (expected [sites.NAME])")
    if not isinstance(sites_table, dict) or not sites_table:
        raise SitesFileError(f"{path}: no sites (expected one [sites.NAME] table per site)")
    return [_site(path, str(name), spec) for name, spec in sites_table.items()]


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SitesFileError(f"{path}: cannot read sites file: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SitesFileError(f"{path}: over {MAX_FILE_BYTES // 1024 // 1024} MiB: not a sites file")
    text = decode_config(path, raw)
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SitesFileError(f"{path}: not valid TOML/YAML: {first_line}") from None
    except RecursionError:
        raise SitesFileError(f"{path}: not valid TOML/YAML: nested too deeply") from None
    if not isinstance(data, dict):
        raise SitesFileError(f"{path}: expected a table of sites")
    return data


def decode_config(path: Path, raw: bytes) -> str:
    """The text of a configuration file in the encodings editors save by default: a BOM's,
    else UTF-8, else GB18030; SitesFileError (one line, naming the first bad byte) otherwise."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise SitesFileError(
                    f"{path}: starts with a {encoding} byte order mark but is not {encoding} "
                    f"(bad bytes at offset {exc.start})"
                ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    line = raw.count(b"\n", 0, first_bad.start) + 1
    raise SitesFileError(
        f"{path}: line {line}: byte 0x{raw[first_bad.start]:02x} is not UTF-8 (nor GB18030 or "
        "UTF-16 with a byte order mark): save the file as UTF-8"
    )


def _site(path: Path, name: str, spec: Any) -> Site:
    def fail(key: str, problem: str) -> SitesFileError:
        return SitesFileError(f"{path}: site {name!r}: key {key!r}: {problem}")

    if not isinstance(spec, dict):
        raise SitesFileError(f"{path}: site {name!r}: expected a table of keys")
    unknown = sorted(set(spec) - SITE_KEYS.keys())
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(SITE_KEYS))})")
    urls = {key: _urls(spec.get(key, []), key, fail) for key in _URL_LISTS}
    if not any(urls.values()):
        raise fail("start_urls", "a site needs start_urls, feeds or sitemaps")
    return Site(
        name=name,
        start_urls=urls["start_urls"],
        feeds=urls["feeds"],
        sitemaps=urls["sitemaps"],
        max_pages=_max_pages(spec.get("max_pages"), fail),
        allow=_patterns(spec.get("allow", []), "allow", fail),
        deny=_patterns(spec.get("deny", []), "deny", fail),
        language=_language(spec.get("language"), fail),
        timezone=_timezone(spec.get("timezone"), fail),
        prune_xpaths=_xpaths(spec.get("prune_xpaths", []), fail)
        + _css(spec.get("prune_css", []), fail),
        rules=_rules(spec.get("rules"), fail),
        archive=_boolean(spec.get("archive", False), "archive", fail),
    )


def _rules(value: Any, fail: Any) -> SiteRules | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise fail("rules", "expected a table of rules (body, remove, title, ...)")
    try:
        return compile_rules(value) or None
    except RuleError as exc:
        raise fail("rules", str(exc)) from None


def _boolean(value: Any, key: str, fail: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(key, f"expected true or false, got {value!r}")
    return value


def _strings(value: Any, key: str, fail: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(key, "expected a list of non-empty strings")
    return [v.strip() for v in value]


def _urls(value: Any, key: str, fail: Any) -> list[str]:
    try:
        return [checked_url(u) for u in _strings(value, key, fail)]
    except InvalidURL as exc:
        raise fail(key, str(exc)) from None


def _patterns(value: Any, key: str, fail: Any) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in _strings(value, key, fail):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise fail(key, f"bad pattern {pattern!r}: {exc}") from None
    return compiled


def _max_pages(value: Any, fail: Any) -> int:
    """0 means "the NEWS_MAX_PAGES_PER_SITE default"."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise fail("max_pages", f"expected a positive integer, got {value!r}")
    return value


def _language(value: Any, fail: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _LANGUAGE.match(value.lower()):
        raise fail("language", f"expected an ISO 639-1 code like 'en', got {value!r}")
    return value.lower()


def _timezone(value: Any, fail: Any) -> str | None:
    if value is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail("timezone", f"unknown timezone {value!r}") from None
    return str(value)


def _xpaths(value: Any, fail: Any) -> list[str]:
    expressions = _strings(value, "prune_xpaths", fail)
    for expression in expressions:
        try:
            etree.XPath(expression)
        except etree.XPathSyntaxError as exc:
            raise fail("prune_xpaths", f"bad XPath {expression!r}: {exc}") from None
    return expressions


def _css(value: Any, fail: Any) -> list[str]:
    from cssselect import GenericTranslator, SelectorError

    translator = GenericTranslator()
    expressions = []
    for selector in _strings(value, "prune_css", fail):
        try:
            expressions.append(translator.css_to_xpath(selector))
        except SelectorError as exc:
            raise fail("prune_css", f"bad CSS selector {selector!r}: {exc}") from None
    return expressions
