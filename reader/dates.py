"""Publication dates: ISO values from structured data, dates written in visible text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

from lxml.html import HtmlElement

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
