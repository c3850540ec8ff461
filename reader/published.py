"""The date a page was published: candidates from every source, ranked, parsed honestly.

Sources, most trusted first: structured data (JSON-LD ``datePublished``, ``<meta>`` published
keys, ``itemprop="datePublished"``, ``<time pubdate>``); then the visible text around the
article: the info line between the headline and the body (``发布时间：2025年1月24日 12:12``,
``Veröffentlicht am 13. Mai 2026 um 15:44``), the date line or forum/blog post header right
above the body (``ggjjzhzz 发表于 2005-9-15 11:46:00``), a labelled date box or a source line
right after it (``Datum 28.04.2023``, ``——《某刊》1998年3月号``); then the URL's date; then
htmldate's guess where nothing above said anything.

A date labelled as an update (``更新时间``, ``Aktualisiert``, ``Updated``) is never the
published date; dates in the future are refused; teaser and comment dates are kept out by
position (only the lines around the article's own headline and body are read, never a list
further down). Values keep the precision the page gives: ``1998-03`` for a magazine issue,
``2025-01-24`` for a day, a date-time with the page's offset where it shows a time
(``timezone`` is only an assumption for wall-clock times, never used to shift a date).

Pure functions over plain values: ``gather`` reads the parsed tree (before chrome is pruned),
``choose`` decides once the body is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

# Dates older than this in visible text are history the article talks about, not its date.
MIN_YEAR = 1990
# A published date may run this far ahead of now (time zones, scheduled posts), no further.
FUTURE_SLACK = timedelta(days=1)
# How many lines after the headline an info line may stand, and above the body a post header.
AFTER_HEADLINE_LINES = 14
BEFORE_BODY_LINES = 24
AFTER_BODY_LINES = 2
LABELLED_AFTER_BODY_LINES = 40
# The body's first and last paragraphs of at least this many characters locate it on the page
# (shorter ones are its headline, byline or dateline, repeated).
BODY_LINE_CHARS = 25
# Lines longer than this are prose (captions, paragraphs), not info lines.
INFO_LINE_CHARS = 160

_META_PUBLISHED = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "published_time",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "sailthru.date",
    "parsely-pub-date",
    "publishtime",
    "firstpublishedtime",
    "article.published",
    "dc.date.created",
)


@dataclass(frozen=True)
class Found:
    """One date read off a text: ISO value at its precision, where it stood, its label."""

    value: str
    precision: str  # "year", "month", "day" or "minute"
    start: int
    end: int
    label: str = ""  # "published", "modified", "other" or ""


@dataclass
class DateEvidence:
    """What the page says about its dates, gathered before chrome pruning changes the tree."""

    structured: list[str] = field(default_factory=list)
    # The values of sources that name the publication explicitly (not a generic "date").
    explicit: list[str] = field(default_factory=list)
    headline_times: list[str] = field(default_factory=list)
    time_elements: list[str] = field(default_factory=list)
    page_lines: list[str] = field(default_factory=list)
    headline_index: int | None = None
    tree: HtmlElement | None = None


# --- parsing ------------------------------------------------------------------------------------

_TIME = (
    r"(?:\.?\s*(?:T|,|\||-|–|/|um|at|à|a\s+las|alle|ore|om|kl\.?|klo|o\s+godz\.?|v)?\s*"
    r"(?:\(?[^\W\d_]{1,9}\.?\)?\s*)?"  # a weekday between date and time: (星期二), Di.
    r"(?P<H>\d{1,2})(?:[:：时h]|\.(?=\d\d\s*(?:Uhr|h\b)))(?P<M>\d{2})"
    r"(?:[:：分](?P<S>\d{2})(?:\.\d+)?)?\s*秒?"
    r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
    r"(?:\s*(?P<tz>Z|[+-]\d\d:?\d\d|UTC|GMT))?)?"
)
_YMD = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    + _TIME
)
_CJK_YMD = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?" + _TIME
)
_CJK_YM = re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月(?!\s*\d)")
_DMY = re.compile(
    r"(?<![\d.:/])(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d)(?!\d)"
    + _TIME
)

_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_NAMES = {
    1: "january jan januar jänner janvier janv enero ene gennaio gen janeiro januari "
    "stycznia styczeń ledna leden",
    2: "february feb februar feber février févr fevrier febrero febbraio fevereiro fev "
    "februari lutego luty února únor",
    3: "march mar märz mär mrz maerz mars marzo março marco maart mrt marts marca marzec "
    "března březen",
    4: "april apr avril avr abril abr aprile kwietnia kwiecień dubna duben",
    5: "may mai mayo maggio mag maio mei maj maja května květen",
    6: "june jun juni juin junio giugno giu junho czerwca czerwiec června červen",
    7: "july jul juli juillet juil julio luglio lug julho lipca lipiec července červenec",
    8: "august aug août aout agosto ago augustus augusti sierpnia sierpień srpna srpen",
    9: "september sep sept septembre septiembre setiembre settembre set setembro "
    "września wrzesień září",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out października "
    "październik října říjen",
    11: "november nov novembre noviembre novembro listopada listopad listopadu",
    12: "december dec dezember dez décembre déc decembre diciembre dic dicembre dezembro "
    "desember grudnia grudzień prosince prosinec",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_D_MON_Y = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})(?:\.|er|º)?\s*(?:de\s+|di\s+)?(?P<mon>[^\W\d_]{3,12})\.?,?\s*"
    r"(?:de\s+|del\s+)?(?P<y>(?:19|20)\d\d)(?!\d)" + _TIME
)
_MON_D_Y = re.compile(
    r"(?<![^\W\d_])(?P<mon>[^\W\d_]{3,12})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>(?:19|20)\d\d)(?!\d)" + _TIME
)


def dates_in(text: str, tz: timezone | None, language: str | None = None) -> list[Found]:
    """Every date in a line of text, in order, overlapping readings resolved to the longest."""
    if not _YEAR.search(text):
        return []
    found: list[Found] = []
    for pattern in (_YMD, _CJK_YMD, _DMY, _D_MON_Y, _MON_D_Y, _CJK_YM):
        for match in pattern.finditer(text):
            value = _read_match(pattern, match, tz, language)
            if value is not None:
                found.append(Found(value[0], value[1], match.start(), match.end()))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Found] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _read_match(
    pattern: re.Pattern[str], match: re.Match[str], tz: timezone | None, language: str | None
) -> tuple[str, str] | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if pattern is _CJK_YM:
        return (
            (f"{year:04d}-{int(groups['m']):02d}", "month") if 1 <= int(groups["m"]) <= 12 else None
        )
    if pattern is _DMY:
        first, second = int(groups["a"]), int(groups["b"])
        month_first = second > 12 or (
            first <= 12 and groups["sep"] == "/" and (groups.get("ampm") or language == "en")
        )
        month, day = (first, second) if month_first else (second, first)
    elif pattern in (_D_MON_Y, _MON_D_Y):
        month = MONTHS.get(groups["mon"].lower().rstrip("."), 0)
        day = int(groups["d"])
    else:
        month, day = int(groups["m"]), int(groups["d"])
    return compose(year, month, day, groups, tz)


def compose(
    year: int, month: int, day: int, groups: dict[str, str | None], tz: timezone | None
) -> tuple[str, str] | None:
    """An ISO value from parts: a date, or a date-time with the given or assumed offset."""
    try:
        on = date(year, month, day)
    except ValueError:
        return None
    hour = groups.get("H")
    if hour is None:
        return on.isoformat(), "day"
    hours, minutes = int(hour), int(groups.get("M") or 0)
    ampm = (groups.get("ampm") or "").lower()
    if ampm and hours <= 12:
        hours = hours % 12 + (12 if ampm.startswith("p") else 0)
    offset = parse_offset(groups.get("tz")) or tz
    try:
        moment = datetime(
            year, month, day, hours, minutes, int(groups.get("S") or 0), tzinfo=offset
        )
    except ValueError:
        return on.isoformat(), "day"
    return moment.isoformat(timespec="seconds"), "minute"


def parse_offset(text: str | None) -> timezone | None:
    """``Z``, ``UTC``, ``GMT``, ``+08:00`` or ``-0500`` as a timezone; None for anything else."""
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", text)
    if not match:
        return None
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return timezone(delta if match.group(1) == "+" else -delta)


# Zone abbreviations that name one offset (CST does not: US Central or China).
_ZONES = {
    "CET": "+0100",
    "MEZ": "+0100",
    "CEST": "+0200",
    "MESZ": "+0200",
    "EET": "+0200",
    "EEST": "+0300",
    "WET": "+0000",
    "WEST": "+0100",
    "BST": "+0100",
    "EST": "-0500",
    "EDT": "-0400",
    "PST": "-0800",
    "PDT": "-0700",
    "JST": "+0900",
    "KST": "+0900",
    "HKT": "+0800",
}
_ZONE_NAMES = re.compile(r"\b(?:" + "|".join(_ZONES) + r")\b")
_PARTIAL = re.compile(r"(?P<y>(?:19|20)\d\d)(?:-(?P<m>\d\d))?")


def parse_structured(value: str | None, tz: timezone | None) -> str | None:
    """A machine-readable date (ISO 8601 at any precision, RFC 2822, or a plain date-time
    string) normalised, keeping its precision and its own offset."""
    if not value or not value.strip():
        return None
    text = value.strip()
    partial = _PARTIAL.fullmatch(text)
    if partial:
        month = partial.group("m")
        if month is None:
            return text
        return text if 1 <= int(month) <= 12 else None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        parsed = None
    if parsed is not None:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", text):
            return parsed.date().isoformat()
        if parsed.tzinfo is None and tz is not None:
            parsed = parsed.replace(tzinfo=tz)
        return parsed.isoformat(timespec="seconds")
    zone = _ZONE_NAMES.search(text)
    if zone:
        text = text[: zone.start()] + _ZONES[zone.group(0)] + text[zone.end() :]
    try:
        mailed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        mailed = None
    if mailed is not None:
        return mailed.isoformat(timespec="seconds")
    found = dates_in(text, tz)
    return found[0].value if found else None


# --- labels ---------------------------------------------------------------------------------------

_PUBLISHED_LABELS = (
    "发布时间 发布日期 发表时间 发表日期 发表于 发布于 发帖时间 出版日期 刊登日期 上传时间 日期 时间 "
    "發佈時間 發表於 發布日期 公開日 公開 配信 掲載 投稿日 입력 기사입력 등록 게재 "
    "published posted date released first_published erstellt veröffentlicht publiziert "
    "erschienen datum publié publiée publie mis_en_ligne publicado publicada fecha "
    "pubblicato pubblicata data gepubliceerd publisert publiceret udgivet publicerad "
    "opublikowano zveřejněno publikováno vydáno"
)
_MODIFIED_LABELS = (
    "更新时间 更新日期 更新于 修改时间 最后修改 修订 编辑于 更新 最后更新 更新日 수정 업데이트 "
    "updated last_updated modified last_modified aktualisiert zuletzt_aktualisiert geändert akt "
    "stand mis_à_jour modifié actualizado actualización aggiornato aggiornamento atualizado "
    "bijgewerkt oppdatert opdateret uppdaterad zaktualizowano aktualizováno aktualizace"
)
# Dates that belong to something else: a reply, a comment, a member's or a blog's profile.
_OTHER_LABELS = (
    "回复 评论 回帖 注册 注册时间 加入时间 建立于 创建于 开通于 上次登录 最后登录 登录 生日 "
    "reply replied comment commented joined member_since registered antwort kommentar"
)


def _label_pattern(words: str) -> re.Pattern[str]:
    """One pattern for space-separated labels, longest first; "_" joins a label's words."""
    labels = sorted(set(words.split()), key=len, reverse=True)
    escaped = (re.escape(label).replace("_", r"\s+") for label in labels)
    return re.compile(r"(?:" + "|".join(escaped) + r")", re.I)


_PUBLISHED = _label_pattern(_PUBLISHED_LABELS)
_MODIFIED = _label_pattern(_MODIFIED_LABELS)
_OTHER = _label_pattern(_OTHER_LABELS)
# What may stand between a label and its date: separators, "am", "on", "le", "el", a weekday.
_LABEL_GAP = re.compile(r"^[\s:：\-–|/（(]*(?:am|on|le|el|il|den|dne|dia|the)?[\s:：,]*$", re.I)


def label_of(before: str) -> str:
    """``published``, ``modified``, ``other`` or "" for the text right before a date."""
    tail = before[-28:]
    best, at = "", -1
    for kind, pattern in (("published", _PUBLISHED), ("modified", _MODIFIED), ("other", _OTHER)):
        for match in pattern.finditer(tail):
            gap = tail[match.end() :]
            near = match.end() > at or (match.end() == at and kind != "published")
            # The label nearest the date wins; at the same place the non-published one.
            if near and _word_edge(tail, match) and len(gap) <= 12 and _gap_ok(gap):
                best, at = kind, match.end()
    return best


def _word_edge(text: str, match: re.Match[str]) -> bool:
    if not re.match(r"[A-Za-zÀ-ÿ]", match.group(0)):
        return True
    before = text[match.start() - 1] if match.start() else " "
    return not before.isalpha()


def _gap_ok(gap: str) -> bool:
    return bool(_LABEL_GAP.match(gap)) or (
        len(gap) <= 8 and not re.search(r"\d", gap) and bool(re.search(r"[:：]", gap))
    )


def labelled_dates(
    line: str, previous: str, tz: timezone | None, language: str | None
) -> list[Found]:
    """The line's dates, each with the label that introduces it (on this line or alone on the
    line before: ``Datum`` / ``28.04.2023``)."""
    found = []
    last = 0
    for item in dates_in(line, tz, language):
        label = label_of(line[last : item.start])
        if not label and not line[: item.start].strip() and len(previous) <= 30:
            label = label_of(previous)
        found.append(Found(item.value, item.precision, item.start, item.end, label))
        last = item.end
    return found


# --- gathering and choosing ------------------------------------------------------------------------


# Elements that mark their date as the published one, in document order.
_MARKED_DATES = etree.XPath("//*[@itemprop='datePublished'][not(self::meta)] | //time[@pubdate]")
# The first part as attributes: libxml2 finds these in about half the time of the elements.
_DATE_PUBLISHED_PROPS = etree.XPath("//@itemprop[.='datePublished']")


def _marked_dates(tree: HtmlElement, times: list[HtmlElement]) -> list[HtmlElement]:
    """``_MARKED_DATES(tree)``; ``times`` are the tree's <time> elements. The two kinds are
    found apart; where the page has both, the one XPath puts them in document order."""
    marked = [
        element
        for prop in _DATE_PUBLISHED_PROPS(tree)
        if (element := prop.getparent()) is not None and element.tag != "meta"
    ]
    pubdate = [t for t in times if t.get("pubdate") is not None]
    if marked and pubdate:
        return list(_MARKED_DATES(tree))
    return marked or pubdate


def gather(
    tree: HtmlElement,
    meta: dict[str, list[str]],
    ld: dict[str, Any] | None,
    page_lines: list[str],
    headline: HtmlElement | None,
    title: str | None,
) -> DateEvidence:
    """Read the tree's date sources before pruning removes any of them."""
    evidence = DateEvidence(page_lines=page_lines, tree=tree)
    explicit: list[str | None] = [_text((ld or {}).get("datePublished"))]
    for key in _META_PUBLISHED:
        if "publish" in key:
            explicit += meta.get(key, [])[:1]
    times = list(tree.iter("time"))
    explicit += [
        el.get("content") or el.get("datetime") or el.text_content()
        for el in _marked_dates(tree, times)
    ]
    found: list[str | None] = [*explicit, _text((ld or {}).get("dateCreated"))]
    for key in _META_PUBLISHED:
        found += meta.get(key, [])[:1]
    evidence.structured = [s for s in found if s and s.strip()]
    evidence.explicit = [s for s in explicit if s and s.strip()]
    if headline is not None:
        evidence.headline_times = [
            t.get("datetime") or t.text_content()
            for t in headline.xpath("following::time[position()<=2]")
        ]
    evidence.time_elements = [t.get("datetime") or t.text_content() for t in times[:5]]
    if title:
        evidence.headline_index = next(
            (i for i, line in enumerate(page_lines) if title in line), None
        )
    return evidence


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value")
    return str(value) if value is not None else None


def choose(
    evidence: DateEvidence,
    body_lines: list[str],
    url: str,
    tz: timezone | None,
    language: str | None = None,
    now: datetime | None = None,
) -> str | None:
    """The published date: structured data, refined or replaced by what the page shows
    around its headline and body; the URL's date; htmldate's guess last."""
    now = now or datetime.now(UTC)
    plausible = [
        v
        for v in (parse_structured(s, tz) for s in evidence.structured)
        if _plausible(v, now, 1970)
    ]
    explicit = [
        v for v in (parse_structured(s, tz) for s in evidence.explicit) if _plausible(v, now, 1970)
    ]
    structured = _most_precise(plausible, explicit)
    if structured:
        structured = _same_moment_local(structured, plausible)
        if len(structured) != 10 and not _UTC_END.search(structured):
            # Neither a day the dateline may give a time (below), nor a UTC time the page
            # may show as its own day or clock: what the page shows cannot change it.
            return structured
    visible = _visible(evidence, body_lines, tz, language, now)
    if structured:
        if (
            visible
            and len(visible) > 10
            and len(structured) == 10
            and visible.startswith(structured)
        ):
            return visible  # the dateline adds the time to a day-only structured date
        if visible and len(visible) == 10 and _one_day_off(structured, visible):
            return visible  # a UTC time past midnight; the page's own day is the one it shows
        return _local_clock(structured, visible) if visible else structured
    if visible:
        if len(visible) == 10:  # a <time datetime> of the same day gives the dateline's time
            for candidate in evidence.headline_times + evidence.time_elements:
                value = parse_structured(candidate, tz)
                if value and len(value) > 10 and value.startswith(visible):
                    return value
        return visible
    for candidate in evidence.headline_times + evidence.time_elements:
        value = parse_structured(candidate, tz)
        if _plausible(value, now, MIN_YEAR):
            return value
    from_url = url_date(url)
    if _plausible(from_url, now, MIN_YEAR):
        return from_url
    return _htmldate(evidence.tree, now)


# A UTC date-time's ending: the one kind of structured value the visible text may re-read.
_UTC_END = re.compile(r"(?:\+00:00|Z)$")


def _most_precise(values: list[str], explicit: list[str]) -> str | None:
    """The first structured value, or an explicitly published one for the same day that says
    more (a time, an offset). A generic ``dc.date`` on the same day may be the update's time."""
    if not values:
        return None
    first = values[0]
    same_day = [first] + [v for v in explicit if v[:10] == first[:10]]
    return max(same_day, key=lambda v: (len(v) > 10, _has_offset(v)))


def _same_moment_local(value: str, others: list[str]) -> str:
    """A UTC value, or another structured value for the same moment (within a minute) in the
    page's local time: "2019-11-20T05:57:50Z" and "2019-11-19 21:57:00 -0800" agree."""
    if not re.search(r"(?:\+00:00|Z)$", value):
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    for other in others:
        if len(other) <= 19 or re.search(r"(?:\+00:00|Z)$", other):
            continue
        try:
            local = datetime.fromisoformat(other)
        except ValueError:
            continue
        if local.tzinfo is not None and abs(local - moment) < timedelta(minutes=1):
            return moment.astimezone(local.tzinfo).isoformat(timespec="seconds")
    return value


def _one_day_off(structured: str, visible: str) -> bool:
    """A UTC date-time whose day is the day before or after the one the page shows."""
    if len(structured) <= 10 or not re.search(r"(?:\+00:00|Z)$", structured):
        return False
    try:
        gap = date.fromisoformat(structured[:10]) - date.fromisoformat(visible)
    except ValueError:
        return False
    return abs(gap.days) == 1


def _local_clock(structured: str, visible: str) -> str:
    """A UTC time as the page's own wall clock: when the dateline shows the same moment in
    local time (whole quarter hours off, within 14 hours), keep that clock with its offset."""
    if len(visible) <= 10 or not re.search(r"(?:\+00:00|Z)$", structured):
        return structured
    try:
        utc = datetime.fromisoformat(structured.replace("Z", "+00:00"))
        shown = datetime.fromisoformat(visible).replace(tzinfo=None)
    except ValueError:
        return structured
    shift = shown.replace(second=utc.second) - utc.replace(tzinfo=None)
    quarter = timedelta(minutes=15)
    if not shift or abs(shift) > timedelta(hours=14) or shift % quarter:
        return structured
    return utc.astimezone(timezone(shift)).isoformat(timespec="seconds")


def _has_offset(value: str) -> bool:
    return len(value) > 19 and bool(re.search(r"(?:[+-]\d\d:\d\d|Z)$", value))


def _visible(
    evidence: DateEvidence,
    body_lines: list[str],
    tz: timezone | None,
    language: str | None,
    now: datetime,
) -> str | None:
    lines = evidence.page_lines
    head = evidence.headline_index
    start, end = _body_span(lines, body_lines)
    # 1. Between the headline and the body: the info line, the post header; the first one
    #    (a photo caption further down has the photo's date).
    if head is not None and start is not None and head < start:
        region = list(range(head + 1, start))[-AFTER_HEADLINE_LINES:]
        picked = _pick(lines, region, tz, language, now)
        if picked:
            return picked
    if head is not None and (start is None or start <= head):
        region = list(range(head + 1, min(len(lines), head + 1 + AFTER_HEADLINE_LINES)))
        picked = _pick(lines, region, tz, language, now)
        if picked:
            return picked
    # 2. No headline found: the post header right above the body.
    if start is not None:
        region = list(range(max(0, start - BEFORE_BODY_LINES), start))
        picked = _pick(lines, region, tz, language, now, nearest_last=True)
        if picked:
            return picked
    # 3. After the body: a labelled date box (``Datum`` / ``28.04.2023``); else a source or
    #    signature line, a post footer, right below the last paragraph (teasers come later).
    if end is not None:
        region = list(range(end + 1, min(len(lines), end + 1 + LABELLED_AFTER_BODY_LINES)))
        picked = _pick(lines, region, tz, language, now, labelled_only=True)
        if picked:
            return picked
        region = list(range(end + 1, min(len(lines), end + 1 + AFTER_BODY_LINES)))
        picked = _pick(lines, region, tz, language, now, short_only=True)
        if picked:
            return picked
    return None


_SENTENCE = re.compile(r"[，。；！？]|[.!?]\s*$")
_LOWER_WORD = re.compile(r"(?<!\S)[a-zà-ÿß]{2,}(?=[\s,.;:]|$)")


def is_prose(line: str, found: list[Found]) -> bool:
    """The line is a sentence (caption, paragraph) that mentions a date, not a date line."""
    rest = line
    for item in reversed(found):
        rest = rest[: item.start] + " " + rest[item.end :]
    return bool(_SENTENCE.search(rest.strip())) or len(_LOWER_WORD.findall(rest)) >= 7


# A time of day alone on its line, under the date line it belongs to.
_CLOCK_LINE = re.compile(r"^\s*\d{1,2}[:.]\d\d(?:\s*[AaPp]\.?\s?[Mm]\.?|\s*Uhr|\s*h)?\s*$")
# A photo credit marks a caption, whose date is the photo's, not the article's.
_CAPTION = re.compile(
    r"\((?:AP|AFP|Reuters|dpa|EPA|Getty[^)]*|Foto[^)]*|Photo[^)]*|Bild[^)]*|Archiv[^)]*)\)\s*$"
    r"|(?:Foto|Photo|Bild|Image|Credit|图片?|摄影?)\s*[:：/]",
    re.I,
)


def _pick(
    lines: list[str],
    region: list[int],
    tz: timezone | None,
    language: str | None,
    now: datetime,
    nearest_last: bool = False,
    short_only: bool = False,
    labelled_only: bool = False,
) -> str | None:
    """The published date among ``region``'s lines: a labelled one first, else a date line."""
    labelled: list[str] = []
    plain: list[str] = []
    for i in region:
        line = lines[i]
        if len(line) > INFO_LINE_CHARS or (short_only and len(line) > 60):
            continue
        if i + 1 < len(lines) and _CLOCK_LINE.match(lines[i + 1]):
            line = f"{line} {lines[i + 1].strip()}"  # "Nov. 19, 2019" / "5:50 PM"
        found = labelled_dates(line, lines[i - 1] if i else "", tz, language)
        prose = is_prose(line, found) or bool(_CAPTION.search(line))
        for item in found:
            if not _plausible(item.value, now, MIN_YEAR):
                continue
            if item.label == "published":
                labelled.append(item.value)
            elif not item.label and not prose:
                plain.append(item.value)
    if labelled:
        return labelled[-1] if nearest_last else labelled[0]
    if labelled_only or not plain:
        return None
    return plain[-1] if nearest_last else plain[0]


def _body_span(lines: list[str], body_lines: list[str]) -> tuple[int | None, int | None]:
    """Where the body's first and last paragraphs stand among the page's lines (a headline,
    byline or dateline repeated at the body's start is not a paragraph)."""
    first = next((line for line in body_lines if _paragraph(line)), None)
    if first is None:
        return None, None
    last = next(line for line in reversed(body_lines) if _paragraph(line))
    squashed: list[str] = []  # the lines' keys, made as far as the searches read
    start = _find(lines, squashed, _key(first)[:16], 0)
    if start is None:
        return None, None
    end = _find(lines, squashed, _key(last)[:16], start)
    return start, end if end is not None else start


def _paragraph(line: str) -> bool:
    return len(_key(line)) >= BODY_LINE_CHARS and is_prose(line, dates_in(line, None))


def _find(lines: list[str], squashed: list[str], key: str, after: int) -> int | None:
    """The first line from ``after`` on whose key holds ``key`` (or, 8 characters or more,
    is held in it); ``squashed`` holds the keys of the lines read so far (``after`` at most)."""
    for i in range(after, len(lines)):
        if i == len(squashed):
            squashed.append(_key(lines[i]))
        line = squashed[i]
        if key in line or (len(line) >= 8 and line in key):
            return i
    return None


def _key(line: str) -> str:
    """The line without whitespace. Every whitespace character but the space is unprintable:
    a line whose spaces are its only whitespace (a rendered line) loses them by a replace()."""
    squashed = line.replace(" ", "")
    return squashed if squashed.isprintable() else "".join(line.split())


_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


def url_date(url: str) -> str | None:
    """The day in a URL's path (``/2024/05/02/``, ``/20240502/``, ``2024-05-02``)."""
    try:
        path = urlsplit(url).path
    except ValueError:  # "http://[bad-host]/..." : a URL we cannot split has no date to give
        return None
    for match in _URL_DATE.finditer(path):
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
        except ValueError:
            continue
    return None


def _plausible(value: str | None, now: datetime, min_year: int) -> TypeGuard[str]:
    """Not before ``min_year`` and not in the future (dates of days later than now's)."""
    if not value:
        return False
    try:
        year = int(value[:4])
    except ValueError:
        return False
    if year < min_year:
        return False
    day = (
        value[:10]
        if len(value) >= 10
        else value[:7] + "-01"
        if len(value) == 7
        else value[:4] + "-01-01"
    )
    try:
        return date.fromisoformat(day) <= (now + FUTURE_SLACK).date()
    except ValueError:
        return False


def _htmldate(tree: HtmlElement | None, now: datetime) -> str | None:
    """htmldate's conservative guess (no extensive search: it guesses from copyright lines)."""
    if tree is None:
        return None
    try:
        from htmldate import find_date

        found = find_date(
            tree, extensive_search=False, original_date=True, max_date=now.date().isoformat()
        )
    except Exception:  # noqa: BLE001 - a third-party guess must never cost the page
        return None
    return found if _plausible(found, now, MIN_YEAR) else None
