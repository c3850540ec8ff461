"""The URL slug as a witness between two headlines a page gives (reader/titles.py)."""

from __future__ import annotations

import pytest

from reader.titles import TitleSources, page_title, title_key, url_slug


def test_slug_words_drop_ids_and_extension() -> None:
    assert url_slug(
        "https://x.example/politik/article409956720/ampeln-tot-s-bahnen-stoppen.html"
    ) == [
        "ampeln",
        "tot",
        "s",
        "bahnen",
        "stoppen",
    ]
    assert url_slug("https://x.example/nyheter/i/dRwWqB/to-menn-paa-tur") == [
        "to",
        "menn",
        "paa",
        "tur",
    ]
    assert url_slug("https://x.example/stories/3376705/") == []  # no slug: an id only
    assert url_slug("http://[bad/x-y-z") == []  # an unparseable URL has no slug


def _sources(slug: str, ld: str, og: str) -> TitleSources:
    return TitleSources(structured=ld, og=og, twitter=og, h1=(og,), slug=frozenset(url_slug(slug)))


def test_slug_picks_the_headline_it_spells_in_url_spelling() -> None:
    # "Grünen" is "gruenen" in the URL, "går" is "gaar" or "gar": the slug still spells it.
    sources = _sources(
        "https://x.example/politik/a1/gruenen-spitze-gegen-kloeckner-nun-attackiert-auch-lang.html",
        "Grünen-Spitze gegen Klöckner: Nun attackiert auch Lang",
        "Streit um Klöckner eskaliert: Lang nennt sie eine Spalterin",
    )
    assert page_title(sources, []) == "Grünen-Spitze gegen Klöckner: Nun attackiert auch Lang"


def test_slug_fitting_both_or_neither_leaves_the_vote() -> None:
    both = _sources(
        "https://x.example/a/streeck-lobt-haftbefehl-doku-und-warnt-vor-kokain-im-rap",
        "Streeck lobt Haftbefehl-Doku und warnt vor Kokain im Rap",
        "Haftbefehl: Streeck lobt Doku und warnt vor Kokain im Rap",
    )
    assert page_title(both, []) == "Haftbefehl: Streeck lobt Doku und warnt vor Kokain im Rap"
    neither = _sources(
        "https://x.example/a/putin-warnung-russland-100.html",
        "Putin spricht von einem Versuch der Zerschlagung",
        "Warum Putin vor einer Zerschlagung warnt",
    )
    assert page_title(neither, []) == "Warum Putin vor einer Zerschlagung warnt"


def test_one_kicker_spelled_two_ways_stays() -> None:
    sources = TitleSources(
        og="HS Roundup: Viera defeats Rockledge to stay unbeaten",
        h1=("High School Roundup: Viera defeats Rockledge to stay unbeaten",),
        document="HS Roundup: Viera defeats Rockledge to stay unbeaten",
    )
    assert page_title(sources, []) == "HS Roundup: Viera defeats Rockledge to stay unbeaten"


def test_two_different_kickers_leave_the_shared_headline() -> None:
    sources = TitleSources(
        og="Drought in the south: «The lake has never been this low»",
        h1=("Water shortage - «The lake has never been this low»",),
        document="Drought in the south: «The lake has never been this low» - News",
    )
    assert page_title(sources, []) == "«The lake has never been this low»"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("\u201cQuote\u201d \u2013 it\u2019s\u00ad here\u200b", '"quote" - it\'s here'),
        (
            "\u00abLes \u2039mots\u203a\u00bb \u2014 \u201aa\u2018 b` \u2015",
            '"les "mots"" - \'a\' b\' -',
        ),
        ("  Stra\u00dfe\u00a0&amp;\u3000Co\ufeff \u2060\u200e ", "strasse & co"),
        ("\ufb01le &#8220;x&#8221;\t\n", 'file "x"'),
    ],
)
def test_title_key_ignores_case_quotes_dashes_and_invisible_marks(text: str, key: str) -> None:
    assert title_key(text) == key
