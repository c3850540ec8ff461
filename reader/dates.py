"""Which offset a page's times are in when they give none.

Dates themselves are parsed in one place, ``reader.published``: ``dates_in`` for visible
text, ``parse_structured`` for machine-readable values (JSON-LD, meta tags, ``<time>``).
"""

from __future__ import annotations

from datetime import timedelta, timezone

from reader.published import parse_offset


def timezone_for(language: str | None, hint: str | None) -> timezone | None:
    """The offset to assume for times a page gives without one.

    A site hint ("+08:00") wins; Chinese pages default to China Standard Time, which every
    mainland portal uses; otherwise no offset is invented.
    """
    if hint:
        offset = parse_offset(hint.strip().upper())
        if offset is not None:
            return offset
    if language == "zh":
        return timezone(timedelta(hours=8))
    return None
