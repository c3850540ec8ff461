"""The cleaning stage's template counts survive from one run to the next in a JSON file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipelines.templatestore import load_templates, save_templates
from reader.template import SiteTemplates, TemplatePolicy
from reader.text import block_key

FOOTER = "Copyright 2025 The Example Herald. All rights reserved."


def learned() -> SiteTemplates:
    templates = SiteTemplates(TemplatePolicy(min_pages=4))
    for page in range(6):
        lines = [FOOTER, f"Story {page} opens with its own first sentence."]
        templates.observe("herald.example", [block_key(line) for line in lines])
    return templates


def test_the_next_run_starts_with_what_this_run_learned(tmp_path: Path) -> None:
    store = tmp_path / "state" / "templates.json"
    save_templates(learned(), store)
    assert [p.name for p in store.parent.iterdir()] == ["templates.json"]  # no temp file left
    next_run = SiteTemplates(TemplatePolicy(min_pages=4))
    load_templates(next_run, store)
    assert next_run.pages("herald.example") == 6
    assert next_run.is_template("herald.example", FOOTER)
    kept, removed = next_run.strip("herald.example", [FOOTER, "A new story's sentence."])
    assert (kept, removed) == (["A new story's sentence."], 1)


def test_a_missing_or_unreadable_store_is_a_fresh_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    templates = SiteTemplates(TemplatePolicy())
    load_templates(templates, tmp_path / "none.json")
    broken = tmp_path / "templates.json"
    broken.write_text('{"sites": {"herald.example": ', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        load_templates(templates, broken)
    assert "unreadable template store" in caplog.text
    assert templates.pages("herald.example") == 0
