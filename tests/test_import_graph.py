"""The product has no import cycle, and the reader stands alone.

The graph is built statically with ``ast`` over the source files of the product's packages,
so a cycle shows whichever module a worker, a tool or a test happens to import first. Every
import statement counts: at module level, inside functions, and under ``if TYPE_CHECKING:``
alike (a function-level import only hides a cycle until the function runs). An edge goes to
the product module an import names: ``from pkg import name`` goes to ``pkg.name`` when that
is a module, else to ``pkg``; and importing ``a.b.c`` runs ``a/__init__`` and
``a/b/__init__`` first, so those are edges too, except to the importer's own enclosing packages
(Python runs them before the importer itself). That last kind is how the reader's former
cycle ran: cleaning/lines.py -> extraction/__init__.py -> page.py -> cleaning/lines.py.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("crawler", "pipelines", "reader", "bench", "demo", "tools")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def enclosing(module: str) -> set[str]:
    """The packages whose ``__init__`` runs before ``module``: ``a`` and ``a.b`` for ``a.b.c``."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement loads (candidates; not all are product modules)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = module.split(".")
        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
        base = ".".join(anchor + ([base] if base else []))
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            candidates = imported(node, name, is_package)
            if isinstance(node, ast.ImportFrom):
                # ``from pkg import a, b``: the submodules a and b where they are modules,
                # else pkg itself (the names are defined there).
                submodules = [c for c in candidates[:-1] if c in modules]
                names_only = len(submodules) < len(candidates) - 1
                targets = submodules + ([candidates[-1]] if names_only else [])
            else:
                targets = candidates
            own = enclosing(name)
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
                    graph[name].update(p for p in enclosing(target) - own if p in modules)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert len(graph) > 100
    # module level, ``from pkg import module`` (page.py: from reader import metadata as md)
    assert {"reader.metadata", "reader.published", "reader.dom"} <= graph["reader.page"]
    # function level (crawler/addons.py imports the Redis connection inside a method)
    assert "crawler.distributed.connection" in graph["crawler.addons"]
    # under TYPE_CHECKING (crawler/sites.py)
    assert "reader.siterules" in graph["crawler.sites"]


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_product() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(component) for component in found)


def test_the_crawler_stands_below_its_pipelines() -> None:
    """The item pipelines use the crawler's items, signals and settings; the crawler (its
    commands included) never imports a pipeline: one direction between the two packages."""
    graph = import_graph()
    upward = sorted(
        (name, target)
        for name, targets in graph.items()
        if name.split(".")[0] == "crawler"
        for target in targets
        if target.split(".")[0] == "pipelines"
    )
    assert not upward


def test_reader_imports_nothing_of_the_crawl() -> None:
    graph = import_graph()
    outside = {
        (name, target)
        for name, targets in graph.items()
        if name.split(".")[0] == "reader"
        for target in targets
        if target.split(".")[0] != "reader"
    }
    assert not outside


# The reader's layers, bottom up: a module imports only from its own layer or those below.
READER_LAYERS = [
    # text measures, character ranges, class/id tokens, URLs, structured data, rules as data
    {
        "cjk",
        "classnames",
        "nfkc",
        "normalise",
        "rules",
        "simhash",
        "structured",
        "template",
        "text",
        "urls",
    },
    # metadata, one concern a module (dates are parsed in published)
    {"dates", "language", "metadata", "people", "published", "titles"},
    # cleaning the tree and the lines, and the page's parts
    {
        "bylines",
        "classify",
        "dom",
        "fallback",
        "images",
        "lines",
        "links",
        "mainblock",
        "mainextract",
        "markdown",
        "pagination",
        "shape",
        "siterules",
    },
    # the page: read_page
    {"__init__", "page", "warmup"},
]


def reader_layer(module: str) -> int:
    short = module.split(".", 1)[1] if "." in module else "__init__"
    return next(i for i, layer in enumerate(READER_LAYERS) if short in layer)


def test_reader_imports_run_one_way() -> None:
    graph = import_graph()
    reader_modules = [name for name in graph if name.split(".")[0] == "reader"]
    placed = set().union(*READER_LAYERS)
    unplaced = [m for m in reader_modules if (m.split(".", 1)[1:] or ["__init__"])[0] not in placed]
    assert not unplaced, f"place these in READER_LAYERS: {unplaced}"
    upward = [
        f"{name} -> {target}"
        for name in reader_modules
        for target in graph[name]
        if reader_layer(target) > reader_layer(name)
    ]
    assert not upward


PROBE = """
import json, sys
from pathlib import Path

import reader

leaked = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("scrapy", "twisted", "crawler", "pipelines")
)
folder = Path(sys.argv[1])
expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
html = (folder / "page.html").read_bytes().decode("utf-8")
reading = reader.read_page(html, expected["url"], reader.ReadOptions())
fields = reading.fields
print(json.dumps({
    "leaked": leaked,
    "kind": reading.kind,
    "title": fields.get("title"),
    "authors": fields.get("authors"),
    "published": fields.get("published"),
    "language": fields.get("language"),
    "text": fields.get("text"),
    "blocks": len(reading.blocks or ()),
}))
"""


def test_reader_alone_reads_a_saved_page() -> None:
    """A fresh interpreter imports the reader and reads a golden page with it: no Scrapy,
    no Twisted, no crawl package comes along."""
    folder = ROOT / "tests" / "golden" / "zh_classic_sodium_battery"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    got = json.loads(result.stdout.splitlines()[-1])
    assert got["leaked"] == []
    assert got["kind"] == "article"
    assert got["title"] == expected["title"]
    assert sorted(got["authors"]) == sorted(expected["authors"])
    assert got["published"].startswith(expected["published"])
    assert got["language"] == expected["language"]
    squashed = "".join(got["text"].split())
    assert squashed.startswith("".join(expected["text_starts_with"].split()))
    assert all("".join(s.split()) in squashed for s in expected["must_contain"])
    assert got["blocks"] > 0
