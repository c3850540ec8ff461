"""Article metadata from a parsed page: JSON-LD first, then meta tags, then visible text.

Each function takes the lxml tree (and what it needs besides) and returns plain values, so
they can be tested on a saved page alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from pipelines.cleaning.dom import tokens_of
from pipelines.extraction.text import cjk_ratio

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "liveblogposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "posting",
    "socialmediaposting",
}
LISTING_TYPES = {"collectionpage", "itemlist", "website", "searchresultspage", "profilepage"}


# --- JSON-LD ------------------------------------------------------------------------------


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members flattened."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                continue
        found.extend(_flatten_ld(data))
    return found


def _flatten_ld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten_ld(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten_ld(data["@graph"])


def ld_types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def ld_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD object that describes the article itself, if any."""
    for obj in objects:
        if ld_types(obj) & ARTICLE_TYPES:
            return obj
    return None


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("url")
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def ld_names(value: Any) -> list[str]:
    """Names out of a JSON-LD ``author`` value: a string, an object, or a list of either."""
    values = value if isinstance(value, list) else [value]
    names = []
    for entry in values:
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip() and not name.strip().startswith("http"):
            names.extend(split_names(name))
    return names


# --- meta tags --------------------------------------------------------------------------------


def meta_values(tree: HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents keyed by lower-cased name/property/itemprop."""
    values: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        content = meta.get("content")
        if key and content and content.strip():
            values.setdefault(key.strip().lower(), []).append(content.strip())
    return values


def first_meta(meta: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


# --- title --------------------------------------------------------------------------------------

TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•:»]\s+|\s*[_｜|]\s*|\s+::\s+|\s*--\s*")


def clean_title(raw: str | None, headings: Iterable[str], site_names: Iterable[str]) -> str | None:
    """The headline without the portal's prefix or suffix.

    A heading (JSON-LD headline, og:title, h1) that the ``<title>`` contains is the headline;
    otherwise the ``<title>`` is split on separators and the parts naming the site, or the
    shorter trailing part, are dropped.
    """
    raw = _squash(raw)
    candidates = [_squash(h) for h in headings if _squash(h)]
    sites = {_squash(s).lower() for s in site_names if _squash(s)}
    for heading in candidates:
        stripped = _strip_site(heading, sites)
        if raw and stripped and stripped in raw and len(stripped) >= 4:
            return stripped
    if not raw:
        return _strip_site(candidates[0], sites) if candidates else None
    return _strip_site(raw, sites, drop_short_tail=True)


def _strip_site(title: str, sites: set[str], drop_short_tail: bool = False) -> str:
    parts = [p for p in TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    seps = TITLE_SEPARATORS.findall(title)
    keep = [not _is_site_part(p, sites) for p in parts]
    if all(keep) and drop_short_tail:
        longest = max(range(len(parts)), key=lambda i: len(parts[i]))
        # Portal names sit at one end; keep everything from/to the longest part.
        if longest == 0:
            keep = [True] + [False] * (len(parts) - 1)
        elif longest == len(parts) - 1:
            keep = [False] * (len(parts) - 1) + [True]
        if len(parts) > 2 and longest not in (0, len(parts) - 1):
            keep = [False] + [True] * (len(parts) - 2) + [False]
    if not any(keep):
        return title
    first = keep.index(True)
    last = len(keep) - 1 - keep[::-1].index(True)
    out = parts[first]
    for i in range(first + 1, last + 1):
        out += seps[i - 1] + parts[i]
    return out.strip()


def _is_site_part(part: str, sites: set[str]) -> bool:
    low = part.strip().lower()
    if low in sites:
        return True
    return any(low and (low in s or s in low) and len(low) <= len(s) + 4 for s in sites)


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def headings(tree: HtmlElement) -> list[str]:
    """Visible top headings, most likely headline first."""
    found = []
    # tree.iter(tag) filters in C; the same XPath predicates were evaluated on every element.
    for elements in (tree.iter("h1"), _titled_blocks(tree), tree.iter("h2")):
        for el in islice(elements, 3):
            text = _squash(el.text_content())
            if 4 <= len(text) <= 300:
                found.append(text)
    return found


def _titled_blocks(tree: HtmlElement) -> Iterator[HtmlElement]:
    """``//*[contains(@class,'title')][self::h2 or self::div][1]``: each parent's first h2 or
    div child whose class contains "title", in document order."""
    parents: set[HtmlElement | None] = set()
    for el in tree.iter("h2", "div"):
        if "title" in (el.get("class") or ""):
            parent = el.getparent()
            if parent not in parents:
                parents.add(parent)
                yield el


# --- authors -------------------------------------------------------------------------------------

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


# --- dates ---------------------------------------------------------------------------------------

_DATE_TEXT = [
    # 2025-01-24 12:12(:30), 2025/01/24 12:12, 2025.01.24 12:12
    re.compile(
        r"(?<!\d)(?P<y>20\d\d|19\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    ),
    # 2025年1月24日 12:12
    re.compile(
        r"(?P<y>20\d\d|19\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
        r"(?:\s*(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?"
    ),
]
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_EN_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})\s+(?P<mon1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>20\d\d)"
    r"|(?P<mon2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>20\d\d))"
    r"(?:,?\s*(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?",
    re.I,
)


def parse_iso(value: str | None, default_tz: timezone | None) -> str | None:
    """An ISO 8601 string normalised: date-time with offset when it has a time, else the date."""
    if not value:
        return None
    value = value.strip()
    for pattern in _DATE_TEXT:
        match = pattern.match(value)
        if match and len(value) <= 12 and match.group("H") is None:
            return _format(match, default_tz)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return date_in_text(value, default_tz)
    if parsed.tzinfo is None and default_tz is not None:
        parsed = parsed.replace(tzinfo=default_tz)
    if len(value) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")


def date_in_text(text: str, default_tz: timezone | None) -> str | None:
    """The first plausible date (with time if given) in a line of visible text."""
    for pattern in _DATE_TEXT:
        match = pattern.search(text)
        if match:
            formatted = _format(match, default_tz)
            if formatted:
                return formatted
    match = _EN_DATE.search(text)
    if match:
        month = _MONTHS.get((match.group("mon1") or match.group("mon2") or "").lower())
        if month:
            hour = match.group("H")
            if hour is not None and match.group("ampm"):
                hour = str(
                    int(hour) % 12 + (12 if match.group("ampm").lower().startswith("p") else 0)
                )
            return _compose(
                int(match.group("y1") or match.group("y2")),
                month,
                int(match.group("d1") or match.group("d2")),
                hour,
                match.group("M"),
                None,
                default_tz,
            )
    return None


def _format(match: re.Match[str], default_tz: timezone | None) -> str | None:
    return _compose(
        int(match.group("y")),
        int(match.group("m")),
        int(match.group("d")),
        match.group("H"),
        match.group("M"),
        match.group("S"),
        default_tz,
    )


def _compose(
    y: int, m: int, d: int, hh: str | None, mm: str | None, ss: str | None, tz: timezone | None
) -> str | None:
    try:
        day = date(y, m, d)
        if hh is None:
            return day.isoformat()
        moment = datetime(y, m, d, int(hh), int(mm or 0), int(ss or 0), tzinfo=tz)
    except ValueError:
        return None
    return moment.isoformat(timespec="seconds")


def timezone_for(language: str | None, hint: str | None) -> timezone | None:
    """The offset to assume for times a page gives without one.

    A site hint ("+08:00") wins; Chinese pages default to China Standard Time, which every
    mainland portal uses; otherwise no offset is invented.
    """
    if hint:
        match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", hint.strip())
        if match:
            sign = 1 if match.group(1) == "+" else -1
            delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
            return timezone(sign * delta)
        if hint.strip().upper() in {"UTC", "Z"}:
            return UTC
    if language == "zh":
        return timezone(timedelta(hours=8))
    return None


def time_elements(tree: HtmlElement) -> list[str]:
    return [t.get("datetime") or t.text_content() for t in tree.iter("time")][:5]


# --- language -------------------------------------------------------------------------------------

_STOPWORDS = {
    "en": "the and of to in is that for it with as was on are by this be from at have",
    "de": "der die und das ist nicht mit den von zu ein sich auf dem des eine im für",
    "fr": "le la les et des est un une du que dans pour pas qui sur au avec il",
    "es": "el la los las de que y en un una es por con para del se no al",
    "it": "il la di che e un una per non sono con del della le gli nel",
    "pt": "o a os as de que e em um uma para com não do da no na",
    "nl": "de het een en van is dat op te in voor met zijn niet",
}
_STOPSETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}


def declared_language(tree: HtmlElement, meta: dict[str, list[str]], ld: dict | None) -> str | None:
    """ISO 639-1 code the page declares about itself, if any."""
    values = [
        tree.get("lang"),
        tree.get("xml:lang"),
        first_meta(meta, "content-language", "og:locale", "language", "dc.language"),
        (ld or {}).get("inLanguage") if isinstance((ld or {}).get("inLanguage"), str) else None,
    ]
    for value in values:
        if value:
            code = re.split(r"[-_]", value.strip().lower())[0]
            if re.fullmatch(r"[a-z]{2}", code):
                return code
    return None


def detect_language(text: str) -> str | None:
    """Language of ``text`` from its script, and for Latin script from stopwords."""
    if not text.strip():
        return None
    sample = text[:5000]
    if re.search(r"[\u3040-\u30ff]", sample) and len(re.findall(r"[\u3040-\u30ff]", sample)) > 20:
        return "ja"
    if len(re.findall(r"[\uac00-\ud7af]", sample)) > 20:
        return "ko"
    if cjk_ratio(sample) > 0.2:
        return "zh"
    words = re.findall(r"[a-zà-ÿ]+", sample.lower())
    scores = {lang: sum(w in stops for w in words) for lang, stops in _STOPSETS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else None


def absolute(url: str | None, base: str) -> str | None:
    if not url:
        return None
    try:  # a page-provided URL (canonical, og:url, image) may not parse: "http://[x]"
        joined = urljoin(base, url.strip())
        return joined if urlsplit(joined).scheme in ("http", "https") else None
    except ValueError:
        return None


# --- bylines in markup -------------------------------------------------------------------------

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
