"""Write docs/configuration.md from crawler/settings.py: every setting, its default, its comment.

The settings file is the one source (a comment above each setting says what it does); this
renders it as a reference so the two cannot drift: ``tests/test_docs.py`` fails when the page
is not what this script writes. Run ``python tools/settings_doc.py`` after changing a setting,
``--check`` to only compare.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "crawler" / "settings.py"
PAGE = ROOT / "docs" / "configuration.md"
_SECTION = re.compile(r"^#\s*---\s*(.+?)\s*-*\s*$")

HEADER = """# Configuration reference

Every setting of `crawler/settings.py`, in its order, with its default and what it does
(the comment above it in that file; Scrapy's own settings without one keep Scrapy's meaning,
see https://docs.scrapy.org/en/latest/topics/settings.html). Change one for a run with
`-s NAME=VALUE` on the `scrapy crawl` command line, or for good in `crawler/settings.py`.

This page is generated: `python tools/settings_doc.py` rewrites it from the settings file, and
a test fails when the two differ.
"""


@dataclass
class Setting:
    name: str
    default: str
    meaning: str


@dataclass
class Section:
    title: str
    settings: list[Setting] = field(default_factory=list)


# Settings that have no comment of their own in crawler/settings.py (Scrapy's, mostly, whose
# value this project chose), or that share one with the settings above them.
MEANINGS = {
    "BOT_NAME": "The project's name (Scrapy).",
    "SPIDER_MODULES": "Where Scrapy finds the spiders (`news`).",
    "NEWSPIDER_MODULE": "Where `scrapy genspider` would put a new spider.",
    "COMMANDS_MODULE": "The project's own commands: `crawl` (starts the reader early), "
    "`seed` (Redis mode), `evaluate` (text quality).",
    "USER_AGENT": "The User-Agent sent with every request; name your deployment and a contact.",
    "ROBOTSTXT_OBEY": "robots.txt is obeyed (see `NEWS_ROBOTSTXT_MAX_BYTES` for the strict reading).",
    "ROBOTSTXT_PARSER": "Protego, the RFC 9309 parser.",
    "CONCURRENT_REQUESTS": "Requests in flight at once, all sites together.",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "Requests in flight at once to one site.",
    "DOWNLOAD_DELAY": "Seconds between two requests to one site (AutoThrottle may raise it); in "
    "Redis mode shared by all workers (`NEWS_REDIS_RATE_LIMIT_ENABLED`).",
    "AUTOTHROTTLE_ENABLED": "Adapt the delay to each site's response times.",
    "AUTOTHROTTLE_START_DELAY": "AutoThrottle's first delay (seconds).",
    "AUTOTHROTTLE_MAX_DELAY": "AutoThrottle's longest delay (seconds).",
    "AUTOTHROTTLE_TARGET_CONCURRENCY": "Requests AutoThrottle aims to keep in flight per site.",
    "COOKIES_ENABLED": "No cookies: a news page must read the same for every visitor.",
    "TELNETCONSOLE_ENABLED": "Scrapy's telnet console is off (nothing listens on a port).",
    "DOWNLOAD_WARNSIZE": "Bytes of a response above which Scrapy logs a warning.",
    "RETRY_TIMES": "Retries of a failed request (with backoff, `NEWS_RETRY_BACKOFF_*`).",
    "RETRY_HTTP_CODES": "HTTP statuses that are retried; 404 and 410 never are.",
    "DOWNLOAD_HANDLERS": "Only http and https: a page must never make the crawler read local "
    "files or other schemes.",
    "TWISTED_DNS_RESOLVER": "The resolver that applies the address policy to resolved addresses "
    "at connect time.",
    "DOWNLOADER_MIDDLEWARES": "The address policy, strict robots.txt, retries with backoff, "
    "cheap meta-refresh and the read gate, in place of Scrapy's own where they replace one.",
    "MEMUSAGE_ENABLED": "The crawl stops cleanly (finish reason memusage_exceeded, exit status "
    "1) above `MEMUSAGE_LIMIT_MB`.",
    "MEMUSAGE_LIMIT_MB": "RSS (MB) at which the crawl stops cleanly.",
    "MEMUSAGE_WARNING_MB": "RSS (MB) at which a warning is logged.",
    "MEMUSAGE_CHECK_INTERVAL_SECONDS": "How often the RSS is checked.",
    "DEPTH_PRIORITY": "Breadth and depth weigh the same (0): listing pages and articles "
    "interleave.",
    "ITEM_PIPELINES": "The four stages an item goes through: extract (in worker processes), "
    "clean, dedupe, validate.",
    "EXTENSIONS": "Rejects file, incremental state, run summary, page accounting, reactor lag, "
    "stats file, log level at source.",
    "FEED_EXPORT_ENCODING": "Feeds are UTF-8.",
    "ADDONS": "Add-ons that name the default feed (per run; per worker in Redis mode) when the "
    "command line names none.",
    "LOG_FORMATTER": "Log lines for dropped items and errors that name the URL and the reason.",
    "REMOTE_CONTROL_ENABLED": "No remote control of a running crawl.",
    "NEWS_NEAR_DUPLICATE_BITS": "Texts whose SimHashes differ in at most this many of 64 bits "
    "are one story (see `NEWS_NEAR_DUPLICATES_ENABLED`).",
    "LOG_LEVEL": "Log level of a crawl (`-s LOG_LEVEL=DEBUG` logs every request).",
}


def _same_group(first: str, name: str) -> bool:
    """Whether a comment above ``first`` also covers ``name`` right below it: the two share
    their family (``NEWS_RETRY_*``, ``MEMUSAGE_*``)."""
    a, b = first.split("_"), name.split("_")
    needed = 2 if a[0] == "NEWS" else 1
    return len(a) > needed and len(b) > needed and a[:needed] == b[:needed]


def _default(node: ast.expr, source: str, value: object) -> str:
    """The source text when it is short and names no other setting, else the value's repr."""
    text = " ".join((ast.get_source_segment(source, node) or "").split())
    names = any(isinstance(n, ast.Name) for n in ast.walk(node))
    if text and len(text) <= 60 and not names:
        return text
    return repr(value)


def sections(path: Path = SETTINGS, module: str = "crawler.settings") -> list[Section]:
    """The settings file's sections ("# --- Title ---" lines), each setting with the comment
    block nearest above it (one comment may cover the settings right below it)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    values = vars(importlib.import_module(module))
    found: list[Section] = [Section("General")]
    seen: dict[str, Setting] = {}
    comment: list[str] = []
    covered = ""
    last_line = 0
    tree = ast.parse(source)
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name) or not target.id.isupper():
            continue
        # Comment lines and section titles between the previous statement and this one.
        between = lines[last_line : node.lineno - 1]
        last_line = node.end_lineno or node.lineno
        block: list[str] = []
        for raw in between:
            line = raw.strip()
            if match := _SECTION.match(line):
                found.append(Section(match.group(1).strip(" -")))
                block, comment = [], []
            elif line.startswith("#"):
                block.append(line.lstrip("#").strip())
            elif not line:
                block, comment = [], []
        name = target.id
        if block:
            comment, covered = block, name
        elif comment and not _same_group(covered, name):
            comment = []
        meaning = MEANINGS.get(name) or " ".join(comment).strip()
        setting = Setting(name, _default(node.value, source, values.get(name)), meaning)
        if name in seen:  # assigned again further down (e.g. ADDONS): one row, final value
            seen[name].default = repr(values.get(name))
            continue
        seen[name] = setting
        found[-1].settings.append(setting)
    return [s for s in found if s.settings]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(path: Path = SETTINGS) -> str:
    out = [HEADER]
    for section in sections(path):
        out.append(f"\n## {section.title}\n\n| setting | default | meaning |\n|---|---|---|\n")
        for s in section.settings:
            meaning = _cell(s.meaning) or "Scrapy's own setting (see Scrapy's documentation)."
            out.append(f"| `{s.name}` | `{_cell(s.default)}` | {meaning} |\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python tools/settings_doc.py")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
