"""No page makes the reader raise: property tests over generated HTML and bytes.

The reader (``read_page``) and the worker's whole task (``decode_and_read``: the bytes'
charset, then the reading) are fed pages built from hostile parts: random attributes,
hrefs with bracketed hosts, bad ports and control characters, deep nesting, huge
attributes, undecodable bytes. Each must end in a reading (article, listing or reject with
a reason), never an exception. Example counts are bounded so the file runs in seconds.
"""

from __future__ import annotations

import os
import tempfile

# Hypothesis keeps a cache under ./.hypothesis unless told otherwise; tests write only under
# temporary folders (read lazily, so set before the first example runs).
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", tempfile.mkdtemp(prefix="hypothesis-"))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipelines.workerpool import decode_and_read  # noqa: E402
from reader import ReadOptions, read_page  # noqa: E402
from reader.page import PageReading  # noqa: E402

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: a failure here is reproducible
    database=None,  # nothing written beside the tests
)
KINDS = {"article", "listing", "reject"}

# -- parts --------------------------------------------------------------------------------
CONTROL = st.sampled_from(["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\u0085", "\u2028", "\ufeff"])
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        CONTROL,
        st.sampled_from(list("<>&\"'=/ 　。，新闻")),
    ),
    max_size=40,
)
HOSTS = st.sampled_from(
    [
        "example.com",
        "127.0.0.1",
        "[::1]",
        "localhost:8080",
        "example.com:99999",  # port out of range
        "example.com:abc",  # port not a number
        "example.com:-1",
        "ex ample.com",
        "xn--n3h.example",
        "例子.测试",
        "",
        "user:pass@example.com",
    ]
)
BRACKETED = st.sampled_from(
    ["[ccpa-preferences]", "[x]", "[::1", "[v1.fe]", "[2001:db8::1]", "[]", "[[x]]"]
)
SCHEMES = st.sampled_from(["http://", "https://", "//", "", "javascript:", "mailto:", "data:,"])


def href(hosts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, host, path, control, query: f"{scheme}{host}{path}{control}{query}",
        SCHEMES,
        hosts,
        st.sampled_from(
            ["", "/", "/a/b.html", "/%zz", "/../..", "/a;b", "/news/2025/01/02/1234.html"]
        ),
        st.one_of(st.just(""), CONTROL, st.sampled_from(["\t", "\n", "\r", " "])),
        st.sampled_from(["", "?id=12345", "?page=2", "#frag", "?a=%ff&b"]),
    )


ANY_HREF = href(st.one_of(HOSTS, BRACKETED))
PLAIN_HREF = href(HOSTS)
ATTR_NAME = st.sampled_from(
    [
        "class",
        "id",
        "style",
        "href",
        "src",
        "datetime",
        "content",
        "property",
        "name",
        "lang",
        "data-x",
        "itemprop",
        "rel",
        "charset",
        "http-equiv",
        "onclick",
        "x:y",
        "ÿ",
    ]
)
TAGS = st.sampled_from(
    [
        "div",
        "p",
        "span",
        "a",
        "article",
        "section",
        "h1",
        "h2",
        "time",
        "ul",
        "li",
        "table",
        "tr",
        "td",
        "br",
        "img",
        "script",
        "style",
        "meta",
        "link",
        "base",
        "form",
        "iframe",
        "svg",
        "math",
        "noscript",
        "template",
        "font",
        "center",
        "blockquote",
        "pre",
        "x-widget",
    ]
)


def attrs(hrefs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    value = st.one_of(
        TEXT, hrefs, st.integers(0, 10**6).map(lambda n: "x" * n if n > 9e5 else str(n))
    )
    pair = st.builds(lambda n, v: f' {n}="{v.replace(chr(34), "&quot;")}"', ATTR_NAME, value)
    return st.lists(pair, max_size=4).map("".join)


def element(hrefs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Random markup, nested up to a few levels, with text, links and stray tags."""
    leaf = st.one_of(
        TEXT,
        st.builds(lambda h, t: f'<a href="{h}">{t}</a>', hrefs, TEXT),
        st.builds(lambda t, a: f"<{t}{a}>", TAGS, attrs(hrefs)),
        st.sampled_from(
            ["</div>", "<!--", "-->", "<![CDATA[", "<?xml x?>", "&#0;", "&#xD800;", "&bogus;"]
        ),
    )
    return st.recursive(
        leaf,
        lambda children: st.builds(
            lambda tag, a, kids: f"<{tag}{a}>{''.join(kids)}</{tag}>",
            TAGS,
            attrs(hrefs),
            st.lists(children, max_size=4),
        ),
        max_leaves=25,
    )


def page(hrefs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda head, body: f"<html><head>{head}</head><body>{body}</body></html>",
        st.lists(element(hrefs), max_size=3).map("".join),
        st.lists(element(hrefs), max_size=6).map("".join),
    )


PAGE_URLS = st.sampled_from(
    [
        "http://news.example.com/2025/01/02/1234.html",
        "https://news.example.com/",
        "http://127.0.0.1:8080/show.php?id=30415",
        "http://[::1]:8080/a/1.html",
        "http://news.example.com/tag/x?page=2",
    ]
)


def _assert_read(reading: PageReading) -> None:
    assert reading.kind in KINDS
    if reading.kind == "article":
        assert isinstance(reading.fields["text"], str) and reading.fields["text"]


# -- properties ---------------------------------------------------------------------------
@FAST
@given(html=page(PLAIN_HREF), url=PAGE_URLS)
def test_read_page_never_raises(html: str, url: str) -> None:
    _assert_read(read_page(html, url))


@settings(FAST, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking
@given(html=page(ANY_HREF), url=PAGE_URLS)
def test_bracketed_hosts_in_links_never_raise(html: str, url: str) -> None:
    """``href="http://[ccpa-preferences]"`` or ``//[x]/y`` on a page: the link is skipped,
    the page is read."""
    _assert_read(read_page(html, url))


@settings(FAST, max_examples=10)
@given(
    depth=st.integers(min_value=200, max_value=400),
    tag=st.sampled_from(["div", "span", "p", "li", "a", "table"]),
    text=TEXT,
)
def test_deep_nesting_never_raises(depth: int, tag: str, text: str) -> None:
    html = f"<html><body>{f'<{tag}>' * depth}{text}{f'</{tag}>' * depth}</body></html>"
    _assert_read(read_page(html, "http://news.example.com/2025/01/02/1234.html"))


@settings(FAST, max_examples=10)
@given(size=st.integers(min_value=100_000, max_value=2_000_000), name=ATTR_NAME)
def test_huge_attributes_never_raise(size: int, name: str) -> None:
    """Huge attribute values and text runs (a million letters and no space) are read in
    time linear in their size: a pattern that backtracks over them would hang a worker."""
    value = "a" * size
    html = (
        f'<html><head><meta name="description" content="{value}"></head><body>'
        f'<div {name}="{value}"><h1>Headline here</h1><p>{"Some words. " * 40}</p></div>'
        f'<a href="http://news.example.com/{value}">link text here</a>'
        f"<p>{value}</p><p>{value[: size // 2]} {value}!</p></body></html>"
    )
    _assert_read(read_page(html, "http://news.example.com/2025/01/02/1234.html"))


@FAST
@given(
    body=st.one_of(
        st.binary(max_size=3000),
        page(PLAIN_HREF).map(lambda h: h.encode("utf-8", "surrogatepass")),
        st.builds(
            lambda h, junk: h.encode("utf-8", "surrogatepass")[:200] + junk + b"</p></body></html>",
            page(PLAIN_HREF),
            st.binary(min_size=1, max_size=200),
        ),
        st.builds(lambda t: ("<p>" + t + "</p>").encode("gb18030", "replace"), TEXT),
    ),
    charset=st.sampled_from(
        [None, "utf-8", "gbk", "iso-8859-1", "shift_jis", "bogus-charset", "utf-16"]
    ),
    url=PAGE_URLS,
)
def test_worker_task_never_raises(body: bytes, charset: str | None, url: str) -> None:
    """The worker's whole task on any bytes: decoded (or refused with a reason), then read."""
    reading = decode_and_read(read_page, body, charset, url, ReadOptions())
    _assert_read(reading)
    if reading.kind == "reject":
        assert reading.reason
