"""The reader's URL shortcuts give what urllib gives, on any href and any base.

``join`` hands back a plain absolute href, and joins a plain rooted one to an http(s) base,
by string operations; ``split_http`` cuts a plain absolute URL with a pattern; ``fetchable``
says yes to a plain host at once. Each is compared here with urllib (value, or ValueError)
on generated hrefs built from the parts that make urllib differ: dot segments, ";", a bare
"?" or "#", tabs and line breaks, brackets, ports, non-ASCII hosts, upper-case schemes; and
on every link of the saved golden pages, against each other page's URL as base. A leaf
anchor's text read without XPath is its text_content(); the pagination tries its page-number
pattern only on words ending in a digit or 页/頁.
"""

from __future__ import annotations

import os
import tempfile
from urllib.parse import urljoin, urlsplit

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.page import parse_html  # noqa: E402
from reader.pagination import (  # noqa: E402
    _EDGE,
    _NEXT_ARROWS,
    _NUMBER_TEXT,
    _PREV_ARROWS,
    MAX_PAGE_NUMBER,
    NEXT_WORDS,
    PAGE_WORDS,
    PREV_WORDS,
    _anchor_role,
)
from reader.urls import fetchable, join, join_http, split_http  # noqa: E402
from tests.golden import CASES, load_golden  # noqa: E402

SETTINGS = settings(
    max_examples=600,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SCHEMES = ["http://", "https://", "HTTP://", "Https://", "ftp://", "//", "", "mailto:", "http:"]
HOSTS = [
    "example.com", "news.example.com", "Example.COM", "127.0.0.1", "[::1]", "[::1", "::1]",
    "localhost:8080", "example.com:99999", "example.com:abc", "example.com:", "user@ex.com",
    "例子.测试", "ex ample.com", "ex\tample.com", "", "a_b.example", "-", ".", "xn--n3h.example",
]  # fmt: skip
SEGMENTS = [
    "a", "b.html", "", ".", "..", ".hidden", "a;p=1", ";", "%2e", "新闻", "a b", "a\tb",
    "a\nb", "x:y", "@", "~u", "index.php",
]  # fmt: skip
TAILS = ["", "?", "?q=1", "?q=1&r=2", "??", "#", "#top", "?#", "?q#", "#a#b", "?a?b", "#?x", " "]
PATHS = st.lists(st.sampled_from(SEGMENTS), max_size=5).map(lambda parts: "/".join(parts))
HREFS = st.one_of(
    st.builds(
        lambda scheme, host, path, tail: f"{scheme}{host}/{path}{tail}",
        st.sampled_from(SCHEMES),
        st.sampled_from(HOSTS),
        PATHS,
        st.sampled_from(TAILS),
    ),
    st.builds(lambda path, tail: f"/{path}{tail}", PATHS, st.sampled_from(TAILS)),
    st.builds(lambda path, tail: f"{path}{tail}", PATHS, st.sampled_from(TAILS)),
    st.builds(
        lambda scheme, host, tail: f"{scheme}{host}{tail}",
        st.sampled_from(SCHEMES),
        st.sampled_from(HOSTS),
        st.sampled_from(TAILS),
    ),
    st.text(max_size=30),
)
BASES = st.one_of(
    st.sampled_from(
        [
            "https://news.example.com/2024/05/story.html?id=7#c",
            "http://example.com",
            "http://example.com/dir/",
            "https://[::1]:8080/x",
            "http://[::1/x",
            "http://example.com:99999/x",
            "ftp://example.com/x",
            "",
            "relative/page.html",
            "HTTPS://Example.com/A",
            "http://ex\tample.com/a",
        ]
    ),
    HREFS,
)


def outcome(function, *args):  # type: ignore[no-untyped-def]
    try:
        return function(*args)
    except ValueError:
        return ValueError


def reference_join_http(base: str, href: str) -> str | None:
    joined = urljoin(base, href)
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def reference_fetchable(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c <= " " or c == "\x7f" for c in parts.netloc)
    )


@SETTINGS
@given(base=BASES, href=HREFS)
def test_join_is_urljoin(base: str, href: str) -> None:
    assert outcome(join, base, href) == outcome(urljoin, base, href)
    assert outcome(join_http, base, href) == outcome(reference_join_http, base, href)


@SETTINGS
@given(url=HREFS)
def test_split_http_is_urlsplit_and_fetchable_is_unchanged(url: str) -> None:
    split = split_http(url)
    if split is not None:
        parts = urlsplit(url)
        assert split == (parts.netloc, parts.path)
    assert fetchable(url) == reference_fetchable(url)


def test_the_shortcuts_are_taken_for_plain_links() -> None:
    """The equivalence is not bought by never taking the shortcut."""
    base = "https://news.example.com/a/b.html"
    assert split_http("https://news.example.com/a/b?x=1#f") == ("news.example.com", "/a/b")
    assert split_http("https://news.example.com/a;p") is None
    assert split_http("https://news.example.com/a?") is None
    assert join(base, "/c/d?e=1") == "https://news.example.com/c/d?e=1"
    assert join(base, "/c/../d") == "https://news.example.com/d"  # urljoin's own answer
    assert join(base, "https://other.example/x") == "https://other.example/x"
    assert join_http(base, "ftp://x/y") is None
    assert fetchable("http://a.example/x") and not fetchable("http://a.example:99999/x")


def test_join_is_urljoin_on_every_link_of_the_golden_pages() -> None:
    pages = [load_golden(case) for case in CASES]
    urls = [expected["url"] for expected, _ in pages]
    checked = 0
    for _, html in pages:
        tree = parse_html(html, 10_000_000)
        for a in tree.iter("a", "area", "link", "img"):
            href = (a.get("href") or a.get("src") or "").strip()
            for base in urls:
                assert outcome(join, base, href) == outcome(urljoin, base, href), (base, href)
                checked += 1
            leaf = a.tag == "a" and not len(a)
            if leaf:
                assert (a.text or "") == a.text_content()
    assert checked > 1000


ANCHOR_WORDS = st.lists(
    st.sampled_from(
        ["第", "2", "12", "٣", "页", "頁", "page", "seite", " ", "/", "of", "5", "x", "\n"]
    ),
    max_size=6,
).map("".join)


@SETTINGS
@given(word=st.one_of(ANCHOR_WORDS, st.text(max_size=12)))
def test_a_page_number_text_ends_in_a_digit_or_page_sign(word: str) -> None:
    """The pagination reads the number pattern only on anchor words that end so."""
    last = word.strip(_EDGE)[-1:]
    if not (last.isdecimal() or last in "页頁"):
        assert _NUMBER_TEXT.match(word.strip(_EDGE)) is None
    assert _anchor_role(word, set()) == reference_anchor_role(word)


def reference_anchor_role(text: str) -> tuple[str | None, int | None, bool]:
    """``_anchor_role`` as it read before the shortcut (no rel)."""
    squeezed = text.strip()
    if squeezed in _NEXT_ARROWS:
        return "next", None, False
    if squeezed in _PREV_ARROWS:
        return "prev", None, False
    word = squeezed.lower().strip(_EDGE)
    if word in NEXT_WORDS:
        return "next", None, word in PAGE_WORDS
    if word in PREV_WORDS:
        return "prev", None, word in PAGE_WORDS
    if word in ("首页", "首頁", "first page", "erste seite"):
        return "first", 1, True
    if word in ("first", "primera", "première"):
        return "first", 1, False
    match = _NUMBER_TEXT.match(word)
    if match is not None:
        value = int(next(g for g in match.groups() if g is not None))
        return ("number", value, True) if 1 <= value <= MAX_PAGE_NUMBER else (None, None, False)
    return None, None, False
