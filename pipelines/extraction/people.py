"""People credited on a page: authors from structured data, byline markup and info lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from lxml.html import HtmlElement

from pipelines.cleaning.dom import tokens_of
from pipelines.extraction.structured import squash as _squash

_NAME_SPLIT = re.compile(r"\s*(?:,|，|、|;|；|/|\band\b|&|\s{2,}|\s+(?=[\u4e00-\u9fff]))\s*")


# Role words around CJK names: "记者 张三 通讯员 李四" names two people, neither "记者" nor "通讯员".
_CJK_ROLES = re.compile(
    r"(本报|特约|实习)?(记者|通讯员|实习生|摄影|摄|作者|编辑|撰稿)\s*[:：/]?|^文\s*[:：/]\s*"
)


# News agencies named in bylines ("By Jane Doe, Reuters"): a source, not an author.
AGENCIES = {
    "reuters",
    "ap",
    "associated press",
    "afp",
    "agence france-presse",
    "bloomberg",
    "upi",
    "dpa",
    "efe",
    "ansa",
    "kyodo",
    "yonhap",
    "pa",
    "pa media",
    "staff",
    "staff writer",
    "staff reporter",
    "新华社",
    "中新社",
    "中新网",
    "人民网",
    "央视网",
    "本报",
    "本报记者",
}
_EDITOR_MARK = re.compile(r"(责任编辑|责编|编辑|主编|审核|校对)\s*[:：]")


def split_names(text: str) -> list[str]:
    """ "Jane Doe and John Roe" -> two names; "张三 李四" or "张三、李四" -> two names.

    Editors named after the authors and news agencies are left out.
    """
    text = _EDITOR_MARK.split(text, maxsplit=1)[0]
    text = re.sub(r"^(?:by|par|von)\s+", "", text.strip(), flags=re.I)
    text = _CJK_ROLES.sub(" ", text)
    names = []
    for part in _NAME_SPLIT.split(text):
        part = part.strip(" .·|()（）【】[]:：")
        if (
            part
            and len(part) <= 60
            and not part.lower().startswith("http")
            and part.lower() not in AGENCIES
        ):
            names.append(part)
    return names


def unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value.lower() not in (s.lower() for s in seen):
            seen[value] = None
    return list(seen)


def ld_names(value: Any) -> list[str]:
    """Names out of a JSON-LD ``author`` value: a string, an object, or a list of either."""
    values = value if isinstance(value, list) else [value]
    names = []
    for entry in values:
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip() and not name.strip().startswith("http"):
            names.extend(split_names(name))
    return names


BYLINE_TOKENS = {"byline", "author", "authors", "writer", "reporter", "contributor", "byl"}
# Every byline token contains one of these: a token match implies a substring match.
_BYLINE_ROOTS = re.compile("byl|author|writer|reporter|contributor")
_BY_PREFIX = re.compile(r"^\s*(?:by|written by|words by|von|par)\s+", re.I)
_NAME_LIKE = re.compile(r"^[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}$|^[\u4e00-\u9fff·]{2,5}$")


def byline_names(tree: HtmlElement) -> list[str]:
    """Author names from byline markup (class/id naming an author, rel/itemprop=author)."""
    found: list[str] = []
    marked, named = [], []
    # One walk with plain attribute reads: XPath predicates over every element cost more.
    for el in tree.iter():
        if el.get("rel") == "author" or el.get("itemprop") == "author":
            marked.append(el)
        cls, ident = el.get("class"), el.get("id")
        if (cls or ident) and _names_byline(cls, ident):
            named.append(el)
    candidates = marked + named
    for el in candidates:
        text = _squash(el.text_content())
        if not text or len(text) > 120:
            continue
        text = _BY_PREFIX.sub("", text)
        text = re.split(
            r"\s[|·•]\s|\s{2,}|(?<=\w),\s*(?:updated|published)|\s+\d", text, maxsplit=1
        )[0]
        names = [n for n in split_names(text) if _NAME_LIKE.match(n)]
        found.extend(names)
    return unique(found)


@lru_cache(maxsize=4096)
def _names_byline(cls: str | None, ident: str | None) -> bool:
    """A class/id whose tokens include a byline token; the substring test rules most out."""
    raw = f"{cls or ''} {ident or ''}"
    return _BYLINE_ROOTS.search(raw.lower()) is not None and bool(tokens_of(raw) & BYLINE_TOKENS)


_DATELINE_AUTHOR = re.compile(
    r"(?:作者|记者|文|撰稿|采写)\s*[:：/]\s*(?P<v>[\u4e00-\u9fff·]{2,5}(?:[\s、,，]+[\u4e00-\u9fff·]{2,5}(?![\u4e00-\u9fff·]*\s*[:：])){0,3})"
    r"|\bby\s+(?P<en>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}){0,3})"
)


def dateline_authors(lines: list[str]) -> list[str]:
    """Authors named in the short info lines under a headline ("来源：… 作者：张三")."""
    for line in lines:
        if len(line) > 160:
            continue
        match = _DATELINE_AUTHOR.search(line)
        if match:
            return split_names(match.group("v") or match.group("en"))
    return []
