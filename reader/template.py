"""Site-template learning: a text block that recurs on many pages of a site is template.

Counts are kept per site and bounded; the crawl stores them in a JSON file
(pipelines/templatestore.py) so that the next cron run of the same site starts with what this
run learned.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from reader.text import block_key


@dataclass(frozen=True)
class TemplatePolicy:
    """When a block counts as template: seen on ``share`` of a site's pages, ``min_pages`` at least."""

    min_pages: int = 4
    share: float = 0.5
    long_line_share: float = 0.8
    long_line_chars: int = 150
    max_blocks: int = 5000


class SiteTemplates:
    """Per-site counts of page blocks: on how many pages each block key was seen."""

    def __init__(self, policy: TemplatePolicy) -> None:
        self.policy = policy
        self._blocks: dict[str, Counter[str]] = {}
        self._pages: Counter[str] = Counter()
        # The highest count of any block per site (kept blocks are never the rarest).
        self._top: dict[str, int] = {}

    def pages(self, site: str) -> int:
        return self._pages[site]

    def blocks(self, site: str) -> int:
        """How many distinct blocks of the site are counted (bounded by max_blocks)."""
        return len(self._blocks.get(site, ()))

    def seen(self, site: str, line: str) -> int:
        """On how many of the site's pages a block with this text was counted."""
        counts = self._blocks.get(site)
        return counts.get(block_key(line), 0) if counts else 0

    def observe(self, site: str, keys: list[str]) -> None:
        """Count one page of ``site`` with these block keys."""
        counts = self._blocks.setdefault(site, Counter())
        unique = set(keys)
        counts.update(unique)
        self._pages[site] += 1
        if unique:
            self._top[site] = max(self._top.get(site, 0), max(map(counts.__getitem__, unique)))
        if len(counts) > self.policy.max_blocks:
            self._shrink(counts)

    def _shrink(self, counts: Counter[str]) -> None:
        """Forget rare blocks: template blocks are the frequent ones. Blocks seen on one page
        only go first (most blocks of a news site are an article's own lines, so this usually
        suffices); then the rarest, down to max_blocks / 2, as ``most_common`` would keep them
        (ties: the earliest seen stay). Linear passes, no sort: this runs on the reactor."""
        for key in [key for key, seen in counts.items() if seen == 1]:
            del counts[key]
        keep = self.policy.max_blocks // 2
        if len(counts) <= keep:
            return
        histogram = Counter(counts.values())
        kept, cut = 0, 0
        for seen in sorted(histogram, reverse=True):
            if kept + histogram[seen] > keep:
                cut = seen
                break
            kept += histogram[seen]
        # Every block seen on more than ``cut`` pages stays; of those seen on exactly ``cut``,
        # the first ``keep - kept``.
        tied = [key for key, seen in counts.items() if seen == cut]
        doomed = [key for key, seen in counts.items() if seen < cut] + tied[keep - kept :]
        for key in doomed:
            del counts[key]

    def is_template(self, site: str, line: str) -> bool:
        pages = self._pages[site]
        if pages < self.policy.min_pages:
            return False
        seen = self.seen(site, line)
        share = (
            self.policy.long_line_share
            if len(line) >= self.policy.long_line_chars
            else self.policy.share
        )
        return seen >= 3 and seen >= share * pages

    def strip(self, site: str, lines: list[str]) -> tuple[list[str], int]:
        """The lines that are not template, and how many were removed.

        ``is_template`` for each line, with the site's counts and thresholds looked up once
        (a line is template when seen on at least max(3, share x pages) of the site's pages).
        """
        if not self._may_have_template(site):
            return lines, 0
        policy, pages = self.policy, self._pages[site]
        counts = self._blocks[site]
        short_min = max(3, policy.share * pages)
        long_min = max(3, policy.long_line_share * pages)
        long_chars = policy.long_line_chars
        kept = [
            line
            for line in lines
            if counts.get(block_key(line), 0) < (long_min if len(line) >= long_chars else short_min)
        ]
        return kept, len(lines) - len(kept)

    def _may_have_template(self, site: str) -> bool:
        """Whether any block of the site is seen often enough to be template: when none is,
        no line needs hashing."""
        pages = self._pages[site]
        least = min(self.policy.share, self.policy.long_line_share) * pages
        return pages >= self.policy.min_pages and self._top.get(site, 0) >= max(3, least)

    # --- the stored form (the crawl keeps it in a file: pipelines/templatestore.py) -------

    def load_data(self, data: dict[str, Any]) -> None:
        """Take the counts of ``data`` (as ``data()`` wrote them) over this run's."""
        for site, entry in data.get("sites", {}).items():
            self._pages[site] = int(entry.get("pages", 0))
            self._blocks[site] = Counter({k: int(v) for k, v in entry.get("blocks", {}).items()})
            self._top[site] = max(self._blocks[site].values(), default=0)

    def data(self) -> dict[str, Any]:
        """The counts as plain JSON data: per site, its pages and its max_blocks commonest."""
        return {
            "version": 1,
            "sites": {
                site: {
                    "pages": self._pages[site],
                    "blocks": dict(counts.most_common(self.policy.max_blocks)),
                }
                for site, counts in self._blocks.items()
            },
        }
