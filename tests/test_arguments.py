"""`scrapy crawl news` refuses bad arguments with one line, a non-zero exit, no traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def crawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("args", "names"),
    [
        ((), "no start URL"),
        (("-a", "start_urls=ftp://example.invalid/"), "not an http(s) URL"),
        (("-a", "start_urls=http://bad host/"), "bad host"),
        (("-a", "start_urls=http://127.0.0.1:1/", "-a", "colour=red"), "unknown argument 'colour'"),
        (
            ("-a", "start_urls=http://127.0.0.1:1/", "-a", "max_pages=0"),
            "max_pages must be a positive integer",
        ),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args: tuple[str, ...], names: str) -> None:
    result = crawl(*args)
    assert result.returncode == 2
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert names in lines[0]
    assert "Traceback" not in result.stderr
