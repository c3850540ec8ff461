"""How far a re-extraction got in each input (``-a progress=FILE``), so an interrupted run
over large archives (CC-NEWS files are a gigabyte each) resumes where it stopped.

Per input (a resolved path or a URL): the offset of the first record not yet done (every
record before it went through the pipelines) and whether the input was read to its end. It
is written only after the run's feed was delivered: a run killed before delivering its
output leaves it as it was, so the next run reads those records again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from crawler.delivery import write_durably


@dataclass
class InputProgress:
    offset: int = 0
    done: bool = False


@dataclass
class ProgressFile:
    path: Path
    inputs: dict[str, InputProgress] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ProgressFile:
        """The recorded progress; an unreadable file is a ValueError naming it."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            inputs = {
                str(name): InputProgress(int(entry["offset"]), bool(entry["done"]))
                for name, entry in data["inputs"].items()
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"unreadable progress file {path}: {exc}") from None
        return cls(path, inputs)

    def save(self) -> None:
        data = {"inputs": {k: v.__dict__ for k, v in sorted(self.inputs.items())}}
        write_durably(self.path, json.dumps(data, indent=1).encode() + b"\n")


class InputTracker:
    """Records of one input in reading order; ``resume_offset`` is where a new run starts."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.pending: dict[int, None] = {}  # offsets handed on, not finished (insertion order)
        self.read_to = start  # end of the last record read
        self.finished_reading = False

    def handed_on(self, offset: int) -> None:
        self.pending[offset] = None

    def finished(self, offset: int) -> None:
        self.pending.pop(offset, None)

    def resume_offset(self) -> int:
        return next(iter(self.pending), self.read_to)

    def done(self) -> bool:
        return self.finished_reading and not self.pending
