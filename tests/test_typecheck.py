"""mypy passes over the product (the files pyproject's [tool.mypy] names: reader, crawler,
pipelines, bench), the reader with every --strict flag: the annotated types are checked too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_typed_interfaces import ROOT


def test_mypy_passes_over_the_product(tmp_path: Path) -> None:
    """What `make typecheck` runs (CI runs it before the tests too)."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "no issues found" in result.stdout, result.stdout[-4000:]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
