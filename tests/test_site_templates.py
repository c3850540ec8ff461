"""Site-template counts stay bounded and keep the blocks that matter (the template's)."""

from __future__ import annotations

from pipelines.cleaning.template import SiteTemplates, TemplatePolicy
from pipelines.extraction.text import block_key

MENU = "Home | World | Business | Sport | Culture"
FOOTER = "© 2025 Bench Portal. All rights reserved."


def test_counts_stay_bounded_and_template_blocks_survive_forgetting() -> None:
    templates = SiteTemplates(TemplatePolicy(max_blocks=500))
    for page in range(400):
        own_lines = [f"Story {page}, paragraph {n}: something happened." for n in range(40)]
        # A line quoted on two consecutive pages is seen twice: kept over one-page lines.
        quoted = f"Quote of day {page // 2} about the river."
        keys = [block_key(line) for line in [MENU, *own_lines, quoted, FOOTER]]
        templates.observe("portal", keys)
        assert len(templates._blocks["portal"]) <= 500
    assert templates.pages("portal") == 400
    assert templates.is_template("portal", MENU) and templates.is_template("portal", FOOTER)
    assert not templates.is_template("portal", "Story 399, paragraph 3: something happened.")
    lines, removed = templates.strip("portal", [MENU, "A new story's own line.", FOOTER])
    assert lines == ["A new story's own line."] and removed == 2


def test_forgetting_drops_the_rarest_when_one_page_blocks_are_not_enough() -> None:
    templates = SiteTemplates(TemplatePolicy(max_blocks=10))
    for page in range(6):
        # Every block repeats on two pages, so dropping one-page blocks frees nothing.
        templates.observe("s", [block_key(f"b{page // 2}-{n}") for n in range(4)] + ["menu"])
    counts = templates._blocks["s"]
    assert len(counts) <= 10 and counts["menu"] == 6
