"""The prose's word count that ``_headline_lines`` tells from the text's count and the lines
that differ is the count of the prose itself, teasers, ranks and bullets or not."""

from __future__ import annotations

from reader.normalise import normalise_text
from reader.page import _RANK, _headline_lines
from reader.text import count_words, word_count

LINES = [
    "• 1. Storm closes the coastal road for a week…",
    "Residents said the water rose overnight.",
    "02 主城区今日起实施新的交通管制措施",
    "Top 3 Reasons the bridge is late",
    "The council's engineer, Ana Ruiz, said the repairs would take until March.",
    "| 国家税务总局发布公告称… |",
    "- Read more: How the flood defences were built",
    "The road reopens on Friday_morning, weather permitting.",
]
ANCHORS = {"How the flood defences were built", "Storm closes the coastal road"}


def _prose_words(lines: list[str], marks: list[bool]) -> int:
    cells = [
        _RANK.sub("", line.lstrip("|-*•· ")) for line, m in zip(lines, marks, strict=True) if not m
    ]
    return word_count("\n".join(cells))


def test_prose_words_equal_the_prose_count() -> None:
    for cut in range(len(LINES) + 1):
        lines = LINES[cut:] + LINES[:cut]
        text = normalise_text("\n".join(lines))
        assert text == "\n".join(lines)
        _, _, words, marks = _headline_lines(lines, ANCHORS, text, word_count(text))
        assert words == _prose_words(lines, marks)


def test_a_text_other_than_the_lines_is_counted_itself() -> None:
    lines = ["a  b c", "1. d e"]
    text = normalise_text("\n".join(lines))
    _, _, words, marks = _headline_lines(lines, set(), text, word_count(text))
    assert words == _prose_words(lines, marks) == 5


def test_count_words_with_pieces_is_word_count() -> None:
    for text in ("don't stop_me now 2x", "a\u00b2b c-d", "中文 and 英文 mixed", ""):
        assert count_words(text, text.split()) == count_words(text) == word_count(text)
