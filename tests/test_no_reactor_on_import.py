"""Importing any product module installs no Twisted reactor: Scrapy installs the one the
settings name (asyncio) when a crawl starts, and a module-level ``from twisted.internet import
reactor`` would install the default one first (the crawl then fails on the mismatch)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, pkgutil, sys
names = []
for package in ("crawler", "pipelines", "reader"):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
        names.append(info.name)
        if "twisted.internet.reactor" in sys.modules:
            print("installs a reactor:", info.name)
            sys.exit(1)
print(len(names))
"""


def test_no_product_module_installs_a_reactor_when_imported() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) > 50  # every module was imported
