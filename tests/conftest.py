"""Shared fixtures: loopback portal servers and one shared crawl of two portals.

The backbone crawl runs once per session (a dozen seconds) and every backbone test reads
its result. A decoy portal on its own host is linked from both crawled portals: any
request it receives means the crawler left the hosts it was given.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo.builder import Portal  # noqa: E402
from demo.server import DEMO_ARTICLE_PAGES, PortalServer  # noqa: E402
from tests.crawl_harness import CrawlResult, run_crawl  # noqa: E402

BACKBONE_TIMEOUT = 180
_BEFORE = pytest.StashKey[set[str]]()


@pytest.fixture
def portal_server() -> Iterator[PortalServer]:
    """A started, empty PortalServer; call `.serve(template)` to add portals."""
    with PortalServer() as server:
        yield server


@dataclass
class Backbone:
    """The session crawl: its server, the crawled portals, the decoy and the result."""

    server: PortalServer
    portals: list[Portal]
    decoy: Portal
    result: CrawlResult

    @property
    def start_urls(self) -> list[str]:
        return [p.start_url for p in self.portals]


PAIRS = (("zh_mobile", "en_modern"), ("zh_classic", "en_herald"))
"""Each backbone run crawls one zh and one en portal on two hosts; two runs cover all templates."""


@pytest.fixture(scope="session", params=PAIRS, ids="+".join)
def backbone_server(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[PortalServer, list[Portal], Portal]]:
    """zh portal on 127.0.0.1 and en portal on 127.0.0.2, both linking a decoy on 127.0.0.9."""
    zh_name, en_name = request.param
    with PortalServer() as server:
        decoy = server.serve(
            "en_modern" if en_name == "en_herald" else "en_herald", host="127.0.0.9", seed=5
        )
        partners = [
            ("Partner news", decoy.article_url(decoy.articles[0].id)),
            ("Partner home", decoy.start_url),
        ]
        # As the demo serves them: each portal's longest article over 3 pages.
        pages = DEMO_ARTICLE_PAGES
        zh = server.serve(
            zh_name, host="127.0.0.1", seed=0, partner_links=partners, multipage=pages
        )
        en = server.serve(
            en_name, host="127.0.0.2", seed=0, partner_links=partners, multipage=pages
        )
        yield server, [zh, en], decoy


@pytest.fixture(scope="session")
def backbone(backbone_server: tuple[PortalServer, list[Portal], Portal]) -> Backbone:
    """One crawl of both portals in a single run, shared by the backbone tests."""
    server, portals, decoy = backbone_server
    server.clear_log()
    result = run_crawl([p.start_url for p in portals], timeout=BACKBONE_TIMEOUT)
    return Backbone(server, portals, decoy, result)


# --- hypothesis keeps its example database and constants under a temporary folder -------------

try:
    from hypothesis import settings as hypothesis_settings
    from hypothesis.configuration import set_hypothesis_home_dir
except ImportError:  # the property tests need it; everything else runs without
    pass
else:
    set_hypothesis_home_dir(tempfile.mkdtemp(prefix="newscrawler-hypothesis-"))
    hypothesis_settings.register_profile("newscrawler", database=None)
    hypothesis_settings.load_profile("newscrawler")


# --- Tiers: `make test-fast` runs `-m "not slow"`, `make test` (CI) runs everything --------------

SLOW_MODULES = {
    "test_arguments",
    "test_bench_sampler",
    "test_bench_slices",
    "test_crawl_backbone",
    "test_distributed_crawl",
    "test_distributed_frontier",
    "test_distributed_incremental",
    "test_hostile_crawl",
    "test_hostile_runs",
    "test_quality_gate",
    "test_redis_state",
    "test_scheduled_runs",
    "test_template_crawl",
    "test_throughput_crawl",
}
"""Modules whose tests run real crawls, a redis-server or long-lived subprocesses."""

SLOW_FIXTURES = {"backbone", "backbone_server", "portal_server"}
"""Fixtures that start a crawl or serve portals over HTTP."""


SLOW_SOURCE_SIGNS = (
    "subprocess",
    "redis_server",
    "PortalServer",
    "crawl_harness",
    "scheduled_crawl",
    "hostile_server",
    "start_worker",
    "ThreadingHTTPServer",
)
"""Words in a test module's source that mean it starts crawls, servers or a redis-server: a
new module of that kind lands in the full tier without being listed above."""


@functools.cache
def _starts_processes(path: str) -> bool:
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError:
        return False
    return any(sign in source for sign in SLOW_SOURCE_SIGNS)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark crawl, Redis and subprocess tests `slow` (a test can also mark itself). In an xdist
    worker, hand the modules with slow tests out first (each module's own order kept), so the
    parallel run does not end on one worker busy with a long test while the others idle."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        if (
            module in SLOW_MODULES
            or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
            or (item.module is not None and _starts_processes(str(item.module.__file__)))
        ):
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):
        slow_modules = {item.module for item in items if item.get_closest_marker("slow")}
        items.sort(key=lambda item: item.module not in slow_modules)


# --- `make test` runs the suite in parallel (pytest-xdist, `--dist loadscope`) ----------------


@functools.cache
def _shares_a_module_fixture(path: Path) -> bool:
    try:
        return 'scope="module"' in path.read_text(encoding="utf-8")
    except OSError:
        return False


def shared_scope(nodeid: str, rootpath: Path) -> str:
    """The unit a worker takes whole: the tests of one backbone crawl (a session fixture per
    pair) share a worker, and so do a module's tests when the module has a module-scoped
    fixture (a redis-server, a portal, a crawl run once for the module); any other test is a
    unit by itself. Each shared fixture is so set up once per run, as in a serial run."""
    for pair in PAIRS:
        if f"[{'+'.join(pair)}]" in nodeid:
            return "backbone:" + "+".join(pair)
    path = nodeid.split("::", 1)[0]
    if _shares_a_module_fixture(rootpath / path):
        return path
    return nodeid


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadscope` with the scopes of `shared_scope` (not xdist's one scope per module:
    most modules' tests can run side by side). xdist's `--dist loadgroup` would do it with
    marks, but under pytest 9.2 it ignores them (pytest-xdist issue 1386)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return shared_scope(nodeid, config.rootpath)

    return SharedFixtureScheduling(config, log)


# --- Tests write only under temporary folders: the checkout must not gain a file -------------

_TOOL_CACHES = {".git", ".venv", ".worktrees", "__pycache__", ".pytest_cache", ".ruff_cache"}
"""Folders a test run may touch: the interpreter's and the tools' own caches, not test output."""


def checkout_files(root: Path = ROOT) -> set[str]:
    """Every file under the checkout, ignored ones included, except tool caches."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _TOOL_CACHES and not d.endswith(".egg-info")]
        base = Path(folder).relative_to(root)
        found.update(str(base / name) for name in files)
    return found


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # under xdist the controller checks the checkout, once, around the whole run
    session.config.stash[_BEFORE] = checkout_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    gained = sorted(checkout_files() - before)
    if gained:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests left files in the checkout (write under tmp_path): " + ", ".join(
            gained[:20]
        )
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- A full disk: the delivery tests write onto a 1 MiB tmpfs (root only) ----------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a 1 MiB tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
