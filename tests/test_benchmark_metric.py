"""The benchmark metric: shingles of 4 tokens, CJK characters one token each in Chinese text."""

from __future__ import annotations

from crawler.benchmark import Score, metrics, score_page, tokenize


def test_cjk_characters_are_tokens_only_in_chinese_text() -> None:
    assert tokenize("新闻 news 2024年", cjk=True) == ["新", "闻", "news", "2024", "年"]
    assert tokenize("新闻 news 2024年") == ["新闻", "news", "2024年"]


def test_extra_text_costs_precision_missing_text_costs_recall() -> None:
    truth = "one two three four five six seven"
    assert score_page(truth, truth) == Score(1.0, 0.0, 0.0)
    longer = score_page(truth, truth + " eight nine ten eleven")
    assert longer.recall == 1.0 and longer.precision < 1.0
    shorter = score_page(truth, "one two three four five")
    assert shorter.precision == 1.0 and shorter.recall < 1.0


def test_pages_without_output_leave_precision_alone() -> None:
    m = metrics([score_page("a b c d e", "a b c d e"), score_page("a b c d e", "")])
    assert m.precision == 1.0 and m.recall == 0.5
