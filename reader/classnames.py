"""The tokens of an element's class and id: what chrome pruning and byline markup both match
names against (a module of its own so that metadata need not import the pruner)."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")


@lru_cache(maxsize=4096)
def tokens_of(raw: str) -> frozenset[str]:
    """Lower-case tokens of a "class id" string."""
    return frozenset(t.lower() for t in _TOKEN_SPLIT.split(raw) if t)
