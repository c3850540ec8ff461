"""Site-template counts stay bounded and keep the blocks that matter (the template's)."""

from __future__ import annotations

from reader.template import SiteTemplates, TemplatePolicy
from reader.text import block_key

MENU = "Home | World | Business | Sport | Culture"
FOOTER = "© 2025 Bench Portal. All rights reserved."


def _page(templates: SiteTemplates, lines: list[str]) -> None:
    templates.observe("portal", [block_key(line) for line in lines])


def test_counts_stay_bounded_and_template_blocks_survive_forgetting() -> None:
    templates = SiteTemplates(TemplatePolicy(max_blocks=500))
    for page in range(400):
        own_lines = [f"Story {page}, paragraph {n}: something happened." for n in range(40)]
        # A line quoted on two consecutive pages is seen twice: kept over one-page lines.
        quoted = f"Quote of day {page // 2} about the river."
        _page(templates, [MENU, *own_lines, quoted, FOOTER])
        assert templates.blocks("portal") <= 500
    assert templates.pages("portal") == 400
    assert templates.seen("portal", "Quote of day 199 about the river.") == 2
    assert templates.seen("portal", "Story 399, paragraph 3: something happened.") == 1
    assert templates.is_template("portal", MENU) and templates.is_template("portal", FOOTER)
    assert not templates.is_template("portal", "Story 399, paragraph 3: something happened.")
    lines, removed = templates.strip("portal", [MENU, "A new story's own line.", FOOTER])
    assert lines == ["A new story's own line."] and removed == 2


def test_a_template_larger_than_half_the_budget_is_cut_down_not_wiped() -> None:
    # Every page repeats 260 menu lines: all tie on the top count when forgetting runs.
    menu = [f"Section {n}" for n in range(260)]
    templates = SiteTemplates(TemplatePolicy(max_blocks=500))
    for page in range(12):
        _page(templates, menu + [f"Story {page} line {n}" for n in range(40)])
        assert templates.blocks("portal") <= 500
    # Half the budget is kept (which of the tied lines is arbitrary), and still recognised.
    kept = [line for line in menu if templates.is_template("portal", line)]
    assert len(kept) == 250
    assert not templates.is_template("portal", "Story 11 line 3")


def test_no_line_is_template_before_any_block_repeats_enough() -> None:
    templates = SiteTemplates(TemplatePolicy(min_pages=4))
    for page in range(6):
        _page(templates, [f"Story {page} line {n}" for n in range(30)])
    lines = ["Story 5 line 1", "Story 5 line 2"]
    assert templates.strip("portal", lines) == (lines, 0)


def test_strip_removes_the_lines_is_template_names_short_and_long_at_their_thresholds() -> None:
    # 10 pages: a short line is template from 5 pages on (share 0.5), a line of 150 characters
    # or more from 8 (long_line_share 0.8); neither below 3.
    templates = SiteTemplates(TemplatePolicy(min_pages=4))
    short = {seen: f"Short line seen on {seen} pages" for seen in range(1, 11)}
    long = {seen: f"Long line seen on {seen} pages. " + "x" * 150 for seen in range(1, 11)}
    for page in range(10):
        repeated = [line for seen, line in short.items() if page < seen]
        repeated += [line for seen, line in long.items() if page < seen]
        _page(templates, [*repeated, f"Story {page}'s own line"])
    lines = [*short.values(), *long.values(), "A new story's own line"]
    kept, removed = templates.strip("portal", lines)
    assert kept == [line for line in lines if not templates.is_template("portal", line)]
    assert kept == [*(short[s] for s in range(1, 5)), *(long[s] for s in range(1, 8)), lines[-1]]
    assert removed == 6 + 3
