"""An article's own pagination: which pages continue it, and which page this one is.

Portals split long articles over pages ("下一页", "第2页", a bar of page numbers under the
body, ``_2.html``, ``index_1.html``, ``?page=2``, ``/2/``, "Next page", "Seite 2",
"Página siguiente", ``rel="next"``). A link is one of the article's pages only when both
hold:

- its URL is this page's URL with a page marker added, changed or removed (same stem: the
  URL without its ``_N`` suffix, ``page``-like query parameter or trailing ``/N/`` segment),
  so "Next" to another story, a listing's "next page" from an article's sidebar or a
  section's archive never count;
- its anchor says so: a page number ("2", "[2]", "第2页", "Seite 2", "Page 2 of 5"), a
  next/previous word in one of many languages, or ``rel="next"``/``rel="prev"``.

Pure functions over the parsed tree (call before chrome is pruned); the crawl decides what
to fetch (pipelines.multipage). A listing's own pagination is read the same way and simply
not acted on: only pages read as articles are merged.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml.html import HtmlElement

from reader.urls import clean_query, join

# Query parameters that number a page ("?page=2", "?p=2", "?pn=2", "?seite=2").
PAGE_PARAMS = frozenset(
    {"page", "p", "pg", "pn", "pageno", "page_no", "pagenum", "paged", "seite", "pagina", "pag"}
)
# A page number is at most this large: larger numbers in a URL are ids, not pages.
MAX_PAGE_NUMBER = 99
# An anchor longer than this (characters, spaces included) is no page link ("Página
# siguiente »" is 17): a headline's link is passed over without resolving its URL.
MAX_ANCHOR_CHARS = 40
# The bar of page links is removed from the body when its text beyond the links' own text
# (separators, "共5页", "Page 2 of 5") is at most this many characters.
BAR_EXTRA_CHARS = 40

# Link texts (lower case, arrows and brackets stripped) that lead to the next page.
NEXT_WORDS = frozenset(
    {
        "下一页", "下页", "下一頁", "下頁", "后页", "後頁", "下一页>>",
        "next", "next page", "continue", "continue reading",
        "nächste", "nächste seite", "weiter", "vor",
        "siguiente", "página siguiente", "pagina siguiente",
        "suivant", "suivante", "page suivante",
        "successiva", "pagina successiva", "avanti",
        "próxima", "próxima página", "seguinte", "página seguinte",
        "volgende", "volgende pagina",
        "次へ", "次のページ", "次ページ", "다음", "다음 페이지",
        "следующая", "следующая страница", "далее", "вперед", "вперёд",
        "sonraki", "sonraki sayfa", "następna", "następna strona", "dalej",
        "nästa", "nästa sida", "næste", "neste", "seuraava",
    }
)  # fmt: skip
PREV_WORDS = frozenset(
    {
        "上一页", "上页", "上一頁", "上頁", "前页", "前頁",
        "previous", "prev", "previous page", "back",
        "vorherige", "vorherige seite", "zurück",
        "anterior", "página anterior", "pagina anterior",
        "précédent", "précédente", "page précédente",
        "precedente", "pagina precedente", "indietro",
        "vorige", "vorige pagina",
        "前へ", "前のページ", "前ページ", "이전", "이전 페이지",
        "предыдущая", "предыдущая страница", "назад",
        "önceki", "önceki sayfa", "poprzednia", "poprzednia strona",
        "föregående", "forrige", "edellinen",
    }
)  # fmt: skip
# The words above that name a *page* ("下一页", "Next page", "Nächste Seite"), not just "next":
# enough on their own. A bare "Next", "Weiter", "»" also leads to the next story on many
# sites, so it counts only beside a query or path page marker ("?page=2", "/2/"), never for
# an "_2.html" suffix, which sequential story ids ("20240501_02.html") look like.
_PAGE_TOKENS = frozenset(
    {"page", "seite", "página", "pagina", "sida", "sayfa", "strona", "страница"}
)
PAGE_WORDS = frozenset(
    w
    for w in NEXT_WORDS | PREV_WORDS
    if w[-1] in "页頁" or w.endswith(("ページ", "페이지")) or set(w.split()) & _PAGE_TOKENS
)
_NEXT_ARROWS = frozenset({">", ">>", "»", "›", "→", "▶", "▸"})
_PREV_ARROWS = frozenset({"<", "<<", "«", "‹", "←", "◀", "◂"})
_EDGE = " \t\r\n<>«»‹›→←▶◀▸◂[]()【】〔〕.…:：|"
# "2", "[2]", "第2页", "第 2 頁", "Page 2", "Seite 2 von 5", "Página 2", "2/5".
_NUMBER_TEXT = re.compile(
    r"^(?:第\s*(\d{1,2})\s*[页頁]|(\d{1,2})(?:\s*/\s*\d{1,2})?|"
    r"(?:page|seite|página|pagina|pag\.?|p\.|страница|sayfa|strona|sida|side|sivu)\s*(\d{1,2})"
    r"(?:\s*(?:of|von|de|di|из|/)\s*\d{1,2})?)$",
    re.IGNORECASE,
)
# Path forms: "name_2.html" / "index_1.html", and a trailing "/2" or "/2/" segment.
_SUFFIX = re.compile(r"^(.*[^/_])_(\d{1,2})(\.[a-z]{2,6})$", re.IGNORECASE)
_SEGMENT = re.compile(r"^(.*[^/])/(\d{1,2})/?$")
_INDEX = re.compile(r"/(?:index|default)\.[a-z]{2,6}$", re.IGNORECASE)
# Classes and attributes that mark the current page in a bar.
_CURRENT = re.compile(r"\b(?:current|active|cur|on|selected|thisclass|now)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Pagination:
    """The article pagination one page shows.

    ``number`` is this page's number (1 for a first page or an unpaginated one); ``pages``
    maps the page numbers this page links to their URLs; ``next_url`` is the page after this
    one (None on the last page); ``first_url`` the first page's URL when this page is a
    continuation (number > 1); ``urls`` every URL of the article's other pages seen here.
    """

    number: int = 1
    next_url: str | None = None
    first_url: str | None = None
    pages: dict[int, str] = field(default_factory=dict)
    urls: tuple[str, ...] = ()

    @property
    def continuation(self) -> bool:
        return self.number > 1

    @property
    def paginated(self) -> bool:
        return bool(self.urls)


NONE = Pagination()


@dataclass
class _Link:
    url: str
    element: HtmlElement | None
    number: int | None  # the page number its text (or URL) gives
    role: str  # "next", "prev", "number", "first"


def page_stem(url: str) -> tuple[str, int | None]:
    """``url`` without its page marker, and the number the marker holds (None: no marker).

    ``/a/b_2.html`` -> (``/a/b.html``, 2); ``/a/?id=7&page=3`` -> (``/a/?id=7``, 3);
    ``/a/slug/2/`` -> (``/a/slug``, 2). ``index.html`` and a trailing slash are dropped, so
    ``/a/index_1.html`` has the stem of ``/a/``. Scheme and host are kept; fragments dropped.
    """
    parts = urlsplit(url)
    # Tracking parameters ("?utm_source=rss") do not make another article.
    path, query, number = parts.path or "/", clean_query(parts.query), None
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        for i, (name, value) in enumerate(pairs):
            if (
                name.lower() in PAGE_PARAMS
                and value.isascii()
                and value.isdigit()
                and int(value) <= MAX_PAGE_NUMBER
            ):
                number = int(value)
                query = urlencode(pairs[:i] + pairs[i + 1 :])
                break
    if number is None:
        suffix = _SUFFIX.match(path)
        segment = _SEGMENT.match(path)
        if suffix is not None:
            path, number = suffix.group(1) + suffix.group(3), int(suffix.group(2))
        elif segment is not None and not _looks_dated(segment.group(1)):
            path, number = segment.group(1), int(segment.group(2))
    path = _INDEX.sub("/", path).rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, query, "")), number


def _looks_dated(path: str) -> bool:
    """``/2024/05`` is a month, not page 5 of ``/2024``: a year segment before the number."""
    last = path.rsplit("/", 1)[-1]
    return last.isdigit() and len(last) == 4


def read_pagination(
    tree: HtmlElement, url: str, texts: Mapping[HtmlElement, str] | None = None
) -> tuple[Pagination, list[HtmlElement]]:
    """The page's own pagination, and the elements that render it (the bar, the next/previous
    links) for the caller to keep out of the body. Call before chrome is pruned. ``texts``:
    anchors' texts, spaces collapsed, where the caller read them already (``PageLinks``:
    every ``<a>`` with an href; an anchor left out of it is no page link)."""
    try:
        stem, _ = page_stem(url)
        links = _article_links(tree, url, stem, texts)
    except ValueError:  # the page's own URL is not one urllib can split
        return NONE, []
    if not links:
        return NONE, []
    number = _current_number(links, url)
    pages: dict[int, str] = {}
    for link in links:
        if link.number is not None and link.role in ("number", "first"):
            pages.setdefault(link.number, link.url)
    next_url = next((lk.url for lk in links if lk.role == "next"), None) or pages.get(number + 1)
    first_url = None
    if number > 1:
        first_url = pages.get(1) or next((lk.url for lk in links if lk.role == "first"), None)
        first_url = first_url or stem
    urls = tuple(dict.fromkeys(lk.url for lk in links))
    elements = [lk.element for lk in links if lk.element is not None]
    pagination = Pagination(number, next_url, first_url, pages, urls)
    return pagination, _rendering(elements)


def _article_links(
    tree: HtmlElement, url: str, stem: str, texts: Mapping[HtmlElement, str] | None
) -> list[_Link]:
    """Links to other pages of the same article (same stem), with what their anchors say.
    ``texts``, when given (``PageLinks.texts``), holds every ``<a>`` with an href."""
    given = texts is not None
    texts = texts or {}
    base: str | None = None  # looked for when a link first needs it: most pages need none
    own = url.split("#", 1)[0]
    own_marker = _marker(own)
    found: list[_Link] = []
    for el in tree.iter("a", "link"):
        rel_value = el.get("rel")
        rel: AbstractSet[str] = {r.lower() for r in rel_value.split()} if rel_value else _NO_REL
        # What the anchor says first: most links of a page (headlines, menus) say nothing
        # about pages, and cost no URL work then (not even reading the href).
        if el.tag == "link":
            role = "next" if "next" in rel else "prev" if rel & {"prev", "previous"} else None
            element, number, strong = None, None, True
        else:
            text = texts.get(el)
            if text is None:
                if given:  # an <a> that PageLinks left out has no href: no page link
                    continue
                text = " ".join(el.text_content().split())
            if len(text) > MAX_ANCHOR_CHARS and not rel:
                continue
            role, number, strong = _anchor_role(text, rel)
            element = el
        if role is None:
            continue
        href = el.get("href")
        if not href or not (href := href.strip()) or href.startswith(_NOT_PAGES):
            continue
        try:  # hostile hrefs ("http://[::1", a bad port) make no URL: not a page link
            if el.tag == "a":
                if base is None:
                    base = _base_url(tree, url)
                target = join(base, href).split("#", 1)[0]
            else:
                target = join(url, href).split("#", 1)[0]
            if not target.startswith(("http://", "https://")) or target == own:
                continue
            target_stem, target_number = page_stem(target)
            target_marker = _marker(target)
        except ValueError:
            continue
        if target_stem != stem:
            continue
        if not strong and "suffix" in (target_marker, own_marker):
            continue
        if role == "number" and number is None:
            number = 1 if target_number is None else target_number
        if element is not None and role in ("next", "prev", "first") and target_number is None:
            number = 1
        found.append(_Link(target, element, number, role))
    return found


_NOT_PAGES = ("#", "javascript:", "mailto:")
# The rel of most links: none (one set shared, never changed).
_NO_REL: frozenset[str] = frozenset()


def _base_url(tree: HtmlElement, url: str) -> str:
    """What an anchor's href resolves against: the first ``<base>`` with an href (``url``
    when there is none, or it makes no URL)."""
    for el in tree.iter("base"):
        if el.get("href"):
            with contextlib.suppress(ValueError):
                return join(url, el.get("href").strip())
            break
    return url


def _anchor_role(text: str, rel: AbstractSet[str]) -> tuple[str | None, int | None, bool]:
    """What an anchor says about its target (next, previous, a page number, the first page),
    and whether that alone is enough (rel, a page number, a word that names a page)."""
    if "next" in rel:
        return "next", None, True
    if "prev" in rel or "previous" in rel:
        return "prev", None, True
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
    last = word[-1:]
    if not (last.isdecimal() or last in "页頁"):  # as every page-number text ends
        return None, None, False
    match = _NUMBER_TEXT.match(word)
    if match is not None:
        value = int(next(g for g in match.groups() if g is not None))
        return ("number", value, True) if 1 <= value <= MAX_PAGE_NUMBER else (None, None, False)
    return None, None, False


def _marker(url: str) -> str | None:
    """Which page marker a URL carries: "query", "suffix" (``_N.html``), "segment" (``/N/``)."""
    parts = urlsplit(url)
    if parts.query and any(
        name.lower() in PAGE_PARAMS and value.isascii() and value.isdigit()
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ):
        return "query"
    if _SUFFIX.match(parts.path):
        return "suffix"
    segment = _SEGMENT.match(parts.path)
    if segment and not _looks_dated(segment.group(1)):
        return "segment"
    return None


def _current_number(links: list[_Link], url: str) -> int:
    """This page's number. A URL without a page marker is a first page; else the bar's
    unlinked (or marked current) number, the gap in the linked numbers, or what the previous
    page's link and the URL's marker say."""
    own = _url_number(url)
    if own is None:
        return 1
    marked = _marked_current(links)
    if marked is not None:
        return marked
    numbers = {lk.number for lk in links if lk.role == "number" and lk.number is not None}
    if numbers:
        gap = next(n for n in range(1, max(numbers) + 2) if n not in numbers)
        return gap
    before = [page_stem(lk.url)[1] for lk in links if lk.role == "prev"]
    known = [n for n in before if n is not None]
    if known:
        return max(known) + 1
    return own


def _url_number(url: str) -> int | None:
    """The page number a URL's marker gives, None without one. The first page of an
    ``_N.html`` article is the bare URL, so ``_1.html`` is its second page."""
    stem, number = page_stem(url)
    if number is None:
        return None
    path = urlsplit(url).path
    if number == 1 and _SUFFIX.match(path) and not urlsplit(url).query:
        return 2
    return number


def _marked_current(links: list[_Link]) -> int | None:
    """The number the bar marks as current: an unlinked number among its linked numbers
    (``<span>2</span>``, ``<b>[2]</b>``, plain text), or a link with a current/active class."""
    numbered = [lk for lk in links if lk.role == "number" and lk.element is not None]
    if not numbered:
        return None
    for lk in numbered:
        el = lk.element
        assert el is not None
        parent = el.getparent()
        marks = " ".join(
            filter(None, (el.get("class"), parent.get("class") if parent is not None else None))
        )
        if el.get("aria-current") == "page" or _CURRENT.search(marks):
            return lk.number
    bar = _common_ancestor([lk.element for lk in numbered if lk.element is not None])
    if bar is None:
        return None
    linked = {lk.number for lk in numbered}
    for piece in _unlinked_text(bar):
        for candidate in (piece, *piece.split()):
            match = _NUMBER_TEXT.match(candidate.strip(_EDGE).lower())
            if match is None:
                continue
            value = int(next(g for g in match.groups() if g is not None))
            if value not in linked and 1 <= value <= MAX_PAGE_NUMBER:
                return value
    return None


def _unlinked_text(bar: HtmlElement) -> list[str]:
    """The bar's text outside its links, piece by piece, in document order."""
    pieces: list[str] = []

    def in_link(el: HtmlElement) -> bool:
        return any(a.tag == "a" and a.get("href") for a in (el, *el.iterancestors()))

    for el in bar.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and not in_link(el):
            pieces.append(el.text.strip())
        parent = el.getparent()
        if el is not bar and el.tail and (parent is None or not in_link(parent)):
            pieces.append(el.tail.strip())
    return [p for p in pieces if p]


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
    if not elements:
        return None
    chains = [[el, *el.iterancestors()] for el in elements]
    first = chains[0]
    others = [set(map(id, chain)) for chain in chains[1:]]
    for candidate in first[1:] if len(elements) == 1 else first:
        if all(id(candidate) in ids for ids in others):
            return candidate
    return None


def _rendering(elements: list[HtmlElement]) -> list[HtmlElement]:
    """The elements to keep out of the body: the bar holding all pagination links when it
    holds little else, else each link's own box (its parent when that holds only the link)."""
    if not elements:
        return []
    bar = _common_ancestor(elements)
    if bar is not None and bar.tag not in ("body", "html") and _holds_only_links(bar, elements):
        return [bar]
    kept = []
    for el in elements:
        parent = el.getparent()
        box = (
            parent
            if parent is not None
            and parent.tag not in ("body", "html")
            and _holds_only_links(parent, [el])
            else el
        )
        if box not in kept:
            kept.append(box)
    return kept


def _holds_only_links(box: HtmlElement, links: list[HtmlElement]) -> bool:
    total = len("".join(box.text_content().split()))
    own = sum(len("".join(a.text_content().split())) for a in links)
    return total - own <= BAR_EXTRA_CHARS


def drop_rendering(elements: list[HtmlElement]) -> int:
    """Take the pagination bar and links out of the tree (their tails stay): page numbers and
    "下一页" are not the article's text. Returns how many elements went."""
    dropped = 0
    for el in elements:
        if el.getparent() is not None:
            el.drop_tree()
            dropped += 1
    return dropped
