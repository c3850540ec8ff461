"""The line cleaning's shortcuts give what trying every rule on every line gives.

Chrome-line rules that may start anywhere in a line's first characters are tried only on
lines holding one of the strings they name (``LineRule.needs``); the other rules are tried
as one pattern. These tests check, from each rule's parsed pattern, that every line it
matches holds one of its ``needs``; that lower-casing finds each of them wherever
re.IGNORECASE does (save the characters tried the long way); and that the shortcut picks
the first matching rule on generated lines. The byline reader's substring tests are
checked the same way against the patterns they stand before.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from re import _constants as sre
from re import _parser

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader import bylines, lines  # noqa: E402
from reader.rules import CHROME_LINES, LineRule  # noqa: E402

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _holds_need(items: _parser.SubPattern | list[tuple[object, object]], needs: set[str]) -> bool:
    """Whether every string the (parsed) pattern matches holds one of ``needs``, lower-cased:
    a run of literals holding one, a group, a lookahead or a repeat (at least once) whose
    body does, or an alternation whose every branch does."""
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)  # type: ignore[arg-type]
            continue
        if any(need in run.lower() for need in needs):
            return True
        run = ""
        if op is sre.SUBPATTERN and _holds_need(av[-1], needs):  # type: ignore[index]
            return True
        if op is sre.BRANCH and all(_holds_need(b, needs) for b in av[1]):  # type: ignore[index]
            return True
        if op is sre.ASSERT and _holds_need(av[1], needs):  # type: ignore[index]
            return True
        if (
            op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
            and av[0] >= 1  # type: ignore[index]
            and _holds_need(av[2], needs)  # type: ignore[index]
        ):
            return True
    return any(need in run.lower() for need in needs)


def reference(text: str) -> LineRule | None:
    """The first rule that matches, trying each in turn."""
    return next((rule for rule in CHROME_LINES if rule.pattern.match(text)), None)


def test_every_line_a_rule_matches_holds_one_of_its_needs() -> None:
    gated = [rule for rule in CHROME_LINES if rule.needs]
    assert len(gated) >= 8
    for rule in gated:
        assert all(need == need.lower() for need in rule.needs)
        parsed = _parser.parse(rule.pattern.pattern, rule.pattern.flags)
        assert _holds_need(parsed, set(rule.needs)), rule.pattern.pattern
    # The check is not one that passes anything.
    parsed = _parser.parse(r"^.{0,60}(reuters|afp)\s*$", re.I)
    assert not _holds_need(parsed, {"reuters"})
    assert not _holds_need(_parser.parse(r"^.{0,9}(?:news)?letter", re.I), {"news"})


def test_lower_finds_each_need_where_ignorecase_does_save_the_odd_characters() -> None:
    """For every code point and every character of a need: re.IGNORECASE matches the one to
    the other exactly when lower() turns it into it, save ``_CASE_ODD``."""
    chars = sorted({c for rule in CHROME_LINES for need in rule.needs for c in need})
    any_char = re.compile(f"[{''.join(map(re.escape, chars))}]", re.I).fullmatch
    singles = {c: re.compile(re.escape(c), re.I).fullmatch for c in chars}
    odd = set()
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        lowered = char.lower()
        if lowered in singles or any_char(char):
            matched = {c for c, match in singles.items() if match(char)}
            if matched != ({lowered} & set(chars)):
                odd.add(char)
    assert odd == set(lines._CASE_ODD)


def test_all_chrome_rules_share_the_flags_of_the_one_pattern() -> None:
    assert {rule.pattern.flags for rule in CHROME_LINES} == {CHROME_LINES[0].pattern.flags}


# Lines made of the rules' words, their needs in any case, the odd characters, CJK text,
# punctuation and spaces: most of them near a rule, some of them matching one.
FRAGMENTS = sorted(
    {need for rule in CHROME_LINES for need in rule.needs}
    | {need.upper() for rule in CHROME_LINES for need in rule.needs}
    | {
        "İ", "ı", "ſ", "K", "Share", "share this", "Newsletter", "sign up", "subscribe",
        "inbox", "Reuters", "AFP", "(Photo: ", "Photo", "Getty Images", "reporting by ",
        "Copyright", "©", "all rights reserved", "Read more", ": ", ":", "：", " ", "  ",
        "\u3000", ".", "。", ",", "|", "/", "、", ")", "）", "(", "（", "记者", "本报", "摄",
        "张三", "新华社", "ICP备", "12345678号", "首页", ">", "微信", "微博", "QQ空间",
        "豆瓣", "分享到", "advertisement", "cookies", "we use cookies", "2024-05-01 10:00",
        "The council met on Tuesday", " and ", "x", "12", "comments", "标签", "tags",
    }
)  # fmt: skip
LINES = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
ANY_TEXT = st.text(max_size=80)


@SETTINGS
@given(text=st.one_of(LINES, ANY_TEXT))
def test_the_shortcut_picks_the_first_rule_that_matches(text: str) -> None:
    assert lines._chrome_rule(text) is reference(text)


def test_the_shortcut_picks_the_first_rule_on_lines_each_rule_matches() -> None:
    examples = [
        "Share this story with your friends",
        "Sign up for our newsletter to get it in your inbox",
        "Get the newsletter",
        "本报记者 张三 摄",
        "We use cookies to improve the site",
        "首页 > 新闻 > 国内",
        "京ICP备12345678号",
        "Example Times. All rights reserved.",
        "A crowd at the square (Photo: Jane Roe)",
        "REUTERS",
        "Getty Images",
        "微信 微博 QQ空间",
        "微信 | 微信",
        "ſhare this ſtory with a friend",  # an odd character: every rule is tried
        "Share",
        "Follow us on social media",
        "The council approved the budget on Tuesday.",
    ]
    assert set(lines._NEEDS) == {need for rule in CHROME_LINES for need in rule.needs}
    found = [lines._chrome_rule(text) for text in examples]
    assert found == [reference(text) for text in examples]
    assert sum(rule is not None for rule in found) >= 13


BYLINE_FRAGMENTS = [
    "记者", "张三", "李四", " ", "\u3000", "电", "报道", "发自", "北京", "上海", "（", "）",
    "(", ")", "。", ".", "”", "新华社", "本报", "通讯员", "Reuters", "x", "\n",
]  # fmt: skip
BYLINE_LINES = st.lists(st.sampled_from(BYLINE_FRAGMENTS), max_size=14).map("".join)


@SETTINGS
@given(text=st.one_of(BYLINE_LINES, ANY_TEXT))
def test_the_byline_readers_substring_tests_only_skip_lines_their_patterns_miss(
    text: str,
) -> None:
    if not ("电" in text or "报道" in text or "发自" in text):
        assert bylines._DATELINE_TAIL.search(text) is None
    if not text.rstrip().endswith((")", "）")):
        assert bylines.CLOSING_CREDIT.search(text) is None
