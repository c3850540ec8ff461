"""Authored news articles (zh, en) as JSON data, loaded into `Article` objects.

The text lives in the repo so the demo and the tests work on a fresh offline clone.
Body lines starting with "## " are subheadings. zh article 1 is the seed page's story.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from demo.model import Article

_DIR = Path(__file__).resolve().parent
LANGUAGES = ("zh", "en")


@cache
def _load(language: str) -> tuple[Article, ...]:
    data = json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return tuple(Article.from_dict(a, language) for a in data["articles"])


def load_corpus(language: str) -> list[Article]:
    """All corpus articles of one language, in file order (ids are unique per language)."""
    if language not in LANGUAGES:
        raise ValueError(f"no corpus for language {language!r}; have {LANGUAGES}")
    return list(_load(language))


def seed_article() -> Article:
    """The story of the seed page (/work/shared/seed), punctuation kept exactly."""
    return _load("zh")[0]
