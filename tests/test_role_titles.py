"""``reader.people._may_end_in_role`` lets through every name the job-title pattern can match.

``_without_role`` searches a name for a trailing job title ("Tom Gillespie, News reporter")
only where the name ends with one, tested by ``endswith`` on its lower-cased end: a pattern
that matches ignoring case also takes letters that ``lower()`` does not give (dotless and
dotted I, long s, the Kelvin sign). Every way to write each title must pass the test, or a
title would stay in an author's name.
"""

from __future__ import annotations

import itertools

import pytest

from reader.people import _ROLE_TAIL, _ROLE_TITLES, _may_end_in_role, clean_name

# Letters re's IGNORECASE matches to an ASCII letter of a title.
_VARIANTS = {"i": "iIıİ", "s": "sSſ", "k": "kKK", "r": "rR", "e": "eE"}


def _spellings(title: str) -> list[str]:
    """The title in lower, upper and title case, and with each odd letter put in once."""
    found = {title, title.upper(), title.title()}
    for at, letter in enumerate(title):
        for other in _VARIANTS.get(letter, ""):
            found.add(title[:at] + other + title[at + 1 :])
    return sorted(found)


@pytest.mark.parametrize("title", _ROLE_TITLES)
def test_every_spelling_of_a_title_is_searched(title: str) -> None:
    tried = 0
    for spelling, lead in itertools.product(_spellings(title), ("", "Jane Doe ", "News ", "Ana x")):
        for text in (lead + spelling, lead + spelling + "\n"):
            if _ROLE_TAIL.search(text):
                tried += 1
                assert _may_end_in_role(text), text
    assert tried >= len(_spellings(title))


@pytest.mark.parametrize(
    "text",
    ["Jane Doe", "Tom Gillespie, News reporter", "Roger Gonzalez CBS Sports Writer", "Ana Wıriter"],
)
def test_other_names_and_titles(text: str) -> None:
    assert bool(_ROLE_TAIL.search(text)) <= _may_end_in_role(text)


def test_a_title_is_still_taken_off() -> None:
    assert clean_name("Tom Gillespie, News reporter") == "Tom Gillespie"
    assert clean_name("Marta Cañete Corresponsal") == "Marta Cañete"
    assert clean_name("Jane Doe") == "Jane Doe"
