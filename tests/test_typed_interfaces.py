"""The stages talk through declared interfaces, and mypy checks them.

What one stage needs from another is a declared item field (crawler/items.py) or the run's
typed context (crawler/run.py), never an attribute looked up by name on an item, a page
reading, the spider or the scheduler, nor a hidden attribute put on an item.
"""

from __future__ import annotations

import ast
from pathlib import Path

from crawler.items import ArticleItem, exported, exported_fields
from crawler.run import RunContext, run_context
from crawler.sites import Site

ROOT = Path(__file__).resolve().parent.parent
# The product: what the scan (and mypy, tests/test_typecheck.py) covers.
PRODUCT = ("crawler", "pipelines", "bench")
# Objects that carry pipeline data: looked up by name, their attributes are undeclared.
CARRIERS = {"item", "article", "reading", "spider", "scheduler"}
REFLECTION = {"getattr", "hasattr", "setattr", "delattr"}
# Not pipeline data: (file, code) -> why it is allowed.
ALLOWED = {
    # A queued request's callback, named in its JSON: Scrapy's request_from_dict does the same.
    ("crawler/distributed/codec.py", "getattr(spider, name)"): "callback by name",
    # `scrapy parse` skips start(): it sets the spider's declared filter itself.
    ("crawler/commands/parse.py", "spider.incremental = ..."): "declared, set by a command",
}


def _tail(node: ast.expr) -> str | None:
    """``item`` for ``item``, ``spider`` for ``self.crawler.spider``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def undeclared_access(root: Path, folders: tuple[str, ...] = PRODUCT) -> list[str]:
    """Every place in ``folders`` that reads or puts pipeline data by name: getattr (and
    hasattr, setattr) on a carrier, an attribute set on an item, or the spider's attributes
    set from outside the spiders."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            where = path.relative_to(root).as_posix()
            in_spiders = where.startswith("crawler/spiders/")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in REFLECTION
                    and node.args
                    and _tail(node.args[0]) in CARRIERS
                ):
                    _report(found, where, node.lineno, ast.unparse(node))
                targets: list[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                    targets = [node.target]
                for target in targets:
                    if not isinstance(target, ast.Attribute):
                        continue
                    owner = _tail(target.value)
                    if owner in ("item", "article") or (owner == "spider" and not in_spiders):
                        _report(found, where, node.lineno, f"{ast.unparse(target)} = ...")
    return found


def _report(found: list[str], where: str, line: int, code: str) -> None:
    if (where, code) not in ALLOWED:
        found.append(f"{where}:{line}: {code}")


def test_no_stage_reads_or_puts_pipeline_data_by_name() -> None:
    assert undeclared_access(ROOT) == []


def test_the_scan_finds_the_hidden_attributes_it_forbids(tmp_path: Path) -> None:
    """The scan itself: each kind of access it must catch, caught (and nothing else)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "stage.py").write_text(
        "def stage(item, article, reading, crawler, scheduler, address):\n"
        "    site = getattr(item, '_site', '')\n"
        "    article._simhash = 1\n"
        "    links = getattr(reading, 'links', ())\n"
        "    run = getattr(crawler.spider, 'run_id', 'run')\n"
        "    crawler.spider.sites = []\n"
        "    claim = getattr(scheduler, 'claim', None)\n"
        "    mapped = getattr(address, 'ipv4_mapped', None)\n"  # not a carrier: allowed
        "    item['site'] = site\n",  # a declared field: allowed
        encoding="utf-8",
    )
    found = undeclared_access(tmp_path, ("pkg",))
    assert sorted(int(line.split(":")[1]) for line in found) == [2, 3, 4, 5, 6, 7]


def test_internal_item_fields_never_reach_the_feed() -> None:
    item = ArticleItem(url="https://news.example/a", text="Body.", site="news", simhash=7)
    item["headers"] = {"etag": '"x"'}
    assert exported(item) == {"url": "https://news.example/a", "text": "Body."}
    assert not {"site", "headers", "simhash", "state"} & set(exported_fields(ArticleItem))


def test_one_run_context_per_crawl() -> None:
    from scrapy.utils.test import get_crawler

    site = Site(name="news", start_urls=["https://news.example/"], max_pages=5)
    crawler = get_crawler()
    run = run_context(crawler)
    run.sites.append(site)
    assert run_context(crawler) is run  # every component sees the same object
    assert run_context(get_crawler()) is not run
    assert run.site_for("https://news.example/story") is site
    assert run.site_named("news") is site and run.site_named("other") is None
    assert run.run_id.startswith(run.run_start + "-")
    assert isinstance(RunContext().sites, list)
