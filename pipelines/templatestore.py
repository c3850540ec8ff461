"""The site-template counts of the cleaning stage in a JSON file, from one run to the next."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from reader.template import SiteTemplates

logger = logging.getLogger(__name__)


def load_templates(templates: SiteTemplates, path: Path) -> None:
    """The stored counts into ``templates``; a missing file is a first run, an unreadable one
    is logged and ignored (the run learns afresh)."""
    if not path.exists():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable template store %s: %s", path, exc)
        return
    templates.load_data(data)


def save_templates(templates: SiteTemplates, path: Path) -> None:
    """Write atomically: a crash mid-save leaves the previous file intact."""
    data = templates.data()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(tmp, path)
