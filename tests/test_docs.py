"""The documentation says what the code does: the README is short and starts with the two
commands, every setting is in the configuration reference, links lead somewhere, and every
shell command of the docs either runs here as written (against a local portal) or is named
below with the reason it cannot run offline."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler import settings as project_settings
from demo.server import PortalServer
from tools.settings_doc import PAGE, render

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "bench" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Written by other parts of the work (issue 23); linked before they exist.
PLANNED = {"docs/operations.md", "docs/operations-redis.md"}
EXAMPLE_SITE = "https://news.example.com/"

# Commands the docs show that a test cannot run offline or in a temporary folder, and why.
NOT_RUN = {
    "make demo": "the demo crawl is the crawl run below, plus a summary; minutes on a busy host",
    "make test": "the suite itself",
    "make test-fast": "the suite itself",
    "make venv": "the suite runs inside the venv it makes",
    "make eval": "needs the benchmark folders (tests/test_quality_gate.py runs the command)",
    ".venv/bin/scrapy evaluate ../shared/benchmarks": "needs the benchmark folders (tests/test_quality_gate.py)",
    "make bench": "minutes of CPU (bench/); tests/test_bench_*.py test its parts",
    "make bench-memory": "minutes of CPU (bench/memory.py)",
    ".venv/bin/python -m bench.validation": "a timing; tests/test_validation.py tests the stage",
    ".venv/bin/scrapy crawl news -a sites=sites.toml": "the example sites are on the internet",
    "bin/crawl-cron": "runs the sites file's internet sites (tests/test_scheduled_runs.py)",
    "export REDIS_URL=": "Redis mode needs a Redis server (tests/test_distributed_*.py)",
    "REDIS_URL=": "Redis mode needs a Redis server (tests/test_distributed_*.py)",
    ".venv/bin/scrapy seed": "Redis mode needs a Redis server (tests/test_distributed_*.py)",
    ".venv/bin/scrapy crawl news -s NEWS_REDIS_WORKER_ID=": "Redis mode needs a Redis server",
    "redis-cli": "needs the crawl's Redis server",
    "git clone": "network",
    "cd /opt/newscrawler": "an install location",
    "sudo systemctl": "systemd on the host",
    "systemctl": "systemd on the host",
    "journalctl": "systemd on the host",
    "docker": "no container runtime here",
    ".venv/bin/scrapy crawl news -a sites=sites.toml -s NEWS_WARC_ENABLED": "internet sites; "
    "tests/test_archive.py crawls a local portal with the archive on",
    ".venv/bin/scrapy reextract output/": "needs a crawl's archive (tests/test_reextract.py)",
    ".venv/bin/scrapy reextract https://": "network (tests/test_ccnews.py reads local CC-NEWS files)",
    ".venv/bin/scrapy reextract CC-NEWS-": "needs CC-NEWS files (tests/test_ccnews.py builds them)",
}
CRAWL = re.compile(r"^\.venv/bin/scrapy crawl news -a start_urls=(\S+) -O (\S+)$")
EVALUATE = re.compile(r"^\.venv/bin/scrapy evaluate (\S+)$")
COPY = "cp sites.example.toml sites.toml"


def shell_commands(path: Path) -> Iterator[str]:
    """Command lines of the ```sh blocks of a Markdown file (comments stripped, continuations
    joined)."""
    inside, pending = False, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh"
            continue
        if not inside:
            continue
        text = re.sub(r"(^|\s+)#\s.*$", "", line).rstrip()
        if text.endswith("\\"):
            pending += text[:-1].strip() + " "
            continue
        command = (pending + text.strip()).strip()
        pending = ""
        if command:
            yield command


def documented() -> list[tuple[str, str]]:
    return [(str(p.relative_to(ROOT)), c) for p in DOCS for c in shell_commands(p)]


def test_readme_is_short_and_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    title, rest = text.split("\n", 1)
    assert title.startswith("# ") and rest.lstrip().startswith("```sh\n"), "starts with commands"
    block = rest.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in block.splitlines()] == [["make", "demo"], ["make", "test"]]


def test_configuration_page_is_generated_from_the_settings_file() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python tools/settings_doc.py"


def test_every_news_setting_is_documented_with_its_meaning() -> None:
    page = PAGE.read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| .* \| (.*) \|$", page, re.M)
    }
    names = [name for name in vars(project_settings) if name.startswith("NEWS_")]
    assert names
    missing = [name for name in names if name not in rows]
    assert not missing, f"settings missing from {PAGE.name}: {missing}"
    unexplained = [name for name in names if "Scrapy's own" in rows[name] or not rows[name]]
    assert not unexplained, f"settings without a comment in crawler/settings.py: {unexplained}"


def test_relative_links_lead_to_files() -> None:
    broken = []
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.exists() and str(resolved.relative_to(ROOT)) not in PLANNED:
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_every_documented_command_is_run_or_excused() -> None:
    unknown = [
        (doc, command)
        for doc, command in documented()
        if not (CRAWL.match(command) or EVALUATE.match(command) or command == COPY)
        and not any(command.startswith(prefix) for prefix in NOT_RUN)
    ]
    assert not unknown, f"new doc commands: run them in this test or excuse them: {unknown}"


@pytest.fixture
def checkout_copy(tmp_path: Path) -> Path:
    """A folder that looks like the checkout to the documented commands (venv, project file,
    example files), so that whatever they write lands in the temporary folder."""
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    for name in ("scrapy.cfg", "sites.example.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_documented_commands_run_as_written(checkout_copy: Path) -> None:
    commands = [c for _, c in documented() if CRAWL.match(c) or EVALUATE.match(c) or c == COPY]
    assert any(CRAWL.match(c) for c in commands) and any(EVALUATE.match(c) for c in commands)
    with PortalServer() as server:
        portal = server.serve("en_modern", seed=0)
        for command in dict.fromkeys(commands):  # each distinct command once
            crawl = CRAWL.match(command)
            if crawl:
                # The one change: the example site becomes a portal served on loopback.
                assert crawl.group(1) == EXAMPLE_SITE, command
                command = command.replace(EXAMPLE_SITE, portal.start_url)
            done = run(command, checkout_copy)
            assert done.returncode == 0, f"{command}\n{done.stderr[-3000:]}"
            if crawl:
                feed = checkout_copy / crawl.group(2)
                items = [json.loads(line) for line in feed.read_text().splitlines()]
                assert {i["url"] for i in items} <= set(portal.truth.articles)
                assert len(items) >= len(portal.truth.articles) // 2, len(items)
            elif EVALUATE.match(command):
                assert "| newscrawler |" in done.stdout, done.stdout
    assert (checkout_copy / "sites.toml").read_text() == (ROOT / "sites.example.toml").read_text()
