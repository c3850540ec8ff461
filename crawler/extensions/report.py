"""The run report: one self-contained HTML page beside the run summary, ``<run>.report.html``.

Per site: articles, rejects by reason, field coverage (title, authors, published, text
length) against the site's baseline, the run's alarms, and a few sample articles showing the
text kept beside the page lines that were removed. No script, no external resource: it opens
from a file on a machine without network.

The counts come from the run summary (``run_summarised`` signal); only the samples are
collected here, bounded: ``NEWS_REPORT_SAMPLES`` articles per site, and while a site still
needs samples at most ``MAX_PENDING`` fetched pages of at most ``MAX_SAMPLE_BYTES`` (all sites
together) are held until the pipelines say whether they are articles.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Request, Response

from crawler.delivery import output_failed, write_durably
from crawler.signals import page_read, run_summarised
from reader.mainblock import render_lines

if TYPE_CHECKING:
    from reader import PageReading

logger = logging.getLogger(__name__)

# Fetched pages held (all sites together) until the pipelines decide what they are, and
# the largest page held (a larger one is not taken as a sample): at most 64 x 2 MB.
MAX_PENDING = 64
MAX_SAMPLE_BYTES = 2_000_000
# Lines shown per sample, and characters per line.
KEPT_LINES = 12
REMOVED_LINES = 15
LINE_CHARS = 300


def report_path_for(summary: Path) -> Path:
    """``out.summary.json`` -> ``out.report.html``."""
    name = summary.name.removesuffix(".summary.json").removesuffix(".json")
    return summary.with_name(name + ".report.html")


@dataclass
class Sample:
    """One article as the report shows it."""

    url: str
    title: str
    kept: list[str]
    removed: list[str]
    removed_total: int
    reasons: dict[str, int] = field(default_factory=dict)
    kept_total: int = 0


def _squash(text: str) -> str:
    return " ".join(text.split())


def sample_of(
    url: str, html: str, title: str, text: str, reasons: dict[str, int] | None = None
) -> Sample:
    """The page's visible lines split into kept (the article's text) and removed (the rest:
    navigation, teasers, bylines taken into fields, template lines)."""
    kept = [line for line in (_squash(x) for x in text.split("\n")) if line]
    try:
        parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True)
        tree = lxml.html.document_fromstring(html, parser=parser)
        body = tree.find("body")
        page = render_lines(body) if body is not None else []
    except (lxml.etree.ParserError, ValueError):
        page = []
    kept_set = set(kept)
    joined = "\n".join(kept)
    removed = [
        line for line in page if line not in kept_set and not (len(line) > 20 and line in joined)
    ]
    return Sample(
        url=url,
        title=title,
        kept=[_cut(x) for x in kept[:KEPT_LINES]],
        removed=[_cut(x) for x in removed[:REMOVED_LINES]],
        removed_total=len(removed),
        reasons=dict(reasons or {}),
        kept_total=len(kept),
    )


def _cut(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"


class RunReport:
    """Collects sample articles; writes the HTML report when the run summary is ready."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.per_site = crawler.settings.getint("NEWS_REPORT_SAMPLES")
        self.samples: dict[str, list[Sample]] = {}
        # url -> (site, response, reasons); oldest first, at most MAX_PENDING.
        self.pending: OrderedDict[str, tuple[str, HtmlResponse, dict[str, int]]] = OrderedDict()
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.page_read, signal=page_read)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.run_summarised, signal=run_summarised)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        if not crawler.settings.getbool("NEWS_RUN_REPORT_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    # --- samples -----------------------------------------------------------------------
    def _wants(self, site: str) -> bool:
        return len(self.samples.get(site, ())) < self.per_site

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        site = request.cb_kwargs.get("site_name")
        if not site or not isinstance(response, HtmlResponse) or not self._wants(site):
            return
        if len(response.body) > MAX_SAMPLE_BYTES:
            return
        self.pending[response.url] = (site, response, {})
        while len(self.pending) > MAX_PENDING:
            self.pending.popitem(last=False)

    def page_read(self, site: str, reading: PageReading) -> None:
        held = self.pending.get(reading.url)
        if held is not None:
            held[2].update(reading.removed)

    def item_scraped(self, item: Any, spider: Any) -> None:
        held = self.pending.pop(str(item.get("url")), None)
        if held is None:
            return
        site, response, reasons = held
        if not self._wants(site):
            return
        try:
            html = response.text
        except (UnicodeDecodeError, AttributeError):
            return
        sample = sample_of(
            response.url, html, item.get("title") or "", item.get("text") or "", reasons
        )
        self.samples.setdefault(site, []).append(sample)
        if not any(self._wants(s) for s, _, _ in self.pending.values()):
            self.pending.clear()

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any) -> None:
        if isinstance(item, Mapping):
            self.pending.pop(str(item.get("url")), None)

    # --- the report --------------------------------------------------------------------
    def run_summarised(self, summary: dict[str, Any], path: Path | None) -> None:
        self.pending.clear()
        if path is None:
            return
        target = report_path_for(path)
        try:
            write_durably(target, render_report(summary, self.samples).encode("utf-8"))
        except OSError as exc:
            output_failed(self.crawler, "run report", target, exc)
            return
        logger.info("run report written to %s", target)


# --- rendering (pure) -------------------------------------------------------------------------
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#1d1d1f;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;
text-align:right}th{background:#f2f2f2}td.name,th.name{text-align:left}
.alarm{background:#fde8e8;border:1px solid #d33;padding:.5em 1em;margin:.5em 0}
.ok{background:#e8f6e8;border:1px solid #3a3;padding:.5em 1em}
.low{color:#b00;font-weight:bold}.muted{color:#777}.base{color:#777;font-size:12px;font-weight:normal;white-space:nowrap}
.sample{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin:.5em 0 1.5em}
.kept,.removed{border:1px solid #ccc;padding:.5em;font-size:13px}
.kept{background:#f6fff6}.removed{background:#fff6f6}
.kept p,.removed p{margin:.2em 0}.removed p{text-decoration:line-through;color:#844}
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _cell(value: Any, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(str(value))}</td>"


def render_report(summary: dict[str, Any], samples: dict[str, list[Sample]]) -> str:
    """The whole report as one HTML document (inline CSS, no script, no external link)."""
    sites: dict[str, dict[str, Any]] = summary.get("sites", {})
    alarms: list[dict[str, Any]] = summary.get("alarms", [])
    alarmed = {(a["site"], a["metric"]) for a in alarms}
    run = escape(str(summary.get("run_id") or "run"))
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Crawl report {run}</title><style>{CSS}</style></head><body>",
        f"<h1>Crawl report {run}</h1>",
        "<p>",
        f"Started {escape(str(summary.get('run_start') or '?'))}, finished"
        f" {escape(str(summary.get('finished_at') or '?'))}"
        f" ({summary.get('duration_seconds', 0):.0f} s, {escape(str(summary.get('finish_reason')))})."
        f" Pages fetched: {summary.get('pages_fetched', 0)}."
        f" Articles: {sum(s['articles'] for s in sites.values())}.",
        "</p>",
    ]
    if summary.get("failure"):
        out.append(f"<div class='alarm'><b>Failure:</b> {escape(str(summary['failure']))}</div>")
    if alarms:
        out.append("<div class='alarm' id='alarms'><b>Alarms</b> (far below the baseline):<ul>")
        out += [f"<li>{escape(a['message'])}</li>" for a in alarms]
        out.append("</ul></div>")
    else:
        out.append("<div class='ok' id='alarms'>No site fell below its baseline.</div>")
    out += _sites_table(sites, alarmed, bool(summary.get("baselines", True)))
    if not summary.get("baselines", True):
        out.append(
            "<p class='muted'>No baselines: this run kept no state (a one-off -o/-O run);"
            " scheduled runs compare each site with its earlier runs.</p>"
        )
    out += _rejects_table(sites)
    out.append("<h2>Sample articles</h2>")
    if not any(samples.values()):
        out.append("<p class='muted'>No article was read in this run.</p>")
    for name in sites:
        for sample in samples.get(name, []):
            out += _sample(name, sample)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    out.append(f"<p class='muted'>Written {generated} by newscrawler.</p></body></html>\n")
    return "\n".join(out)


def _versus(value: str, usual: str | None, cls: str) -> str:
    """A figure with its baseline under it: the change at a glance."""
    attr = f' class="{cls}"' if cls else ""
    under = f"<br><span class='base'>was {escape(usual)}</span>" if usual is not None else ""
    return f"<td{attr}>{escape(value)}{under}</td>"


def _sites_table(
    sites: dict[str, dict[str, Any]], alarmed: set[tuple[str, str]], summary_has_store: bool
) -> list[str]:
    """One row a site; the figures compared with the baseline show it beneath them."""
    out = [
        "<h2>Sites</h2><table id='sites'><tr><th class='name'>Site</th><th>Pages</th>"
        "<th>Articles</th><th>Updates</th><th>Unchanged</th><th>Duplicates</th><th>Rejects</th>"
        "<th>Errors</th><th>Found</th><th>Title</th><th>Authors</th><th>Published</th>"
        "<th>Mean text</th><th class='name'>Baseline</th></tr>"
    ]
    for name, s in sites.items():
        coverage = s.get("coverage") or {}
        base = s.get("baseline")
        found = s.get("read", 0) + s.get("known", 0)
        row = [
            f"<tr>{_cell(name, 'name')}",
            _cell(s["pages_fetched"]),
            _cell(s["articles"]),
            _cell(s["updates"]),
            _cell(s["unchanged"]),
            _cell(s["duplicates"]),
            _cell(sum(s["rejects"].values())),
            _cell(s["errors"]),
            _versus(
                str(found),
                f"{base['volume']:g}" if base else None,
                "low" if (name, "volume") in alarmed else "",
            ),
        ]
        for key in ("title", "authors", "published"):
            low = "low" if (name, f"coverage:{key}") in alarmed else ""
            usual = _pct(base["coverage"][key]) if base else None
            row.append(_versus(_pct(coverage.get(key)), usual, low))
        length = s.get("mean_text_chars")
        low = "low" if (name, "text_length") in alarmed else ""
        usual = str(base["text_chars"]) if base else None
        row.append(_versus("–" if length is None else str(length), usual, low))
        if base:
            text = f"median of {base['runs']} runs"
        else:
            text = "none yet" if summary_has_store else "–"
        row.append(_cell(text, "name"))
        out.append("".join(row) + "</tr>")
    out.append("</table>")
    out.append(
        "<p class='muted'>Found: articles read (new, updated, unchanged, duplicate) plus known"
        " articles found again and not fetched. Title, Authors, Published: share of the"
        " articles read with the field. Under a figure: the site's baseline.</p>"
    )
    return out


def _rejects_table(sites: dict[str, dict[str, Any]]) -> list[str]:
    rows = [
        f"<tr>{_cell(name, 'name')}{_cell(reason, 'name')}{_cell(count)}</tr>"
        for name, s in sites.items()
        for reason, count in sorted(s["rejects"].items(), key=lambda kv: -kv[1])
    ]
    if not rows:
        return ["<h2>Rejects</h2><p class='muted'>No page was rejected.</p>"]
    head = "<tr><th class='name'>Site</th><th class='name'>Reason</th><th>Pages</th></tr>"
    return ["<h2>Rejects by reason</h2><table id='rejects'>", head, *rows, "</table>"]


def _sample(site: str, sample: Sample) -> list[str]:
    reasons = ", ".join(f"{escape(r)} {n}" for r, n in sorted(sample.reasons.items()))
    kept = "".join(f"<p>{escape(x)}</p>" for x in sample.kept)
    more_kept = sample.kept_total - len(sample.kept)
    if more_kept > 0:
        kept += f"<p class='muted'>… {more_kept} more lines</p>"
    removed = "".join(f"<p>{escape(x)}</p>" for x in sample.removed)
    more = sample.removed_total - len(sample.removed)
    if more > 0:
        removed += f"<p class='muted'>… {more} more lines</p>"
    return [
        f"<h3 class='sample-title'>{escape(site)}: {escape(sample.title or '(no title)')}</h3>",
        f"<p class='muted'>{escape(sample.url)}</p>",
        "<div class='sample'>",
        f"<div class='kept'><b>Kept ({sample.kept_total} lines)</b>{kept}</div>",
        f"<div class='removed'><b>Removed ({sample.removed_total} lines)</b>"
        f"{f'<br><span class=muted>reader: {reasons}</span>' if reasons else ''}{removed}</div>",
        "</div>",
    ]
