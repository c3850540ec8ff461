"""Articles split over several pages, as portals serve long stories.

A portal built with ``multipage=N`` serves its longest article over N pages: page 1 at the
article's own URL, pages 2..N at the URL shape the template's URLs suggest (``X_2.html`` for
``.html``/``.htm`` paths, ``/2/`` under a folder-like path, else ``?page=2``), each page with
the template's full chrome, the headline and dateline repeated, and a pager under the body in
the portal's language ("上一页 1 2 3 下一页" / "Pages: 1 2 3 Next page"). The truth is the
whole article at page 1's URL; pages 2..N are neither articles nor listings.
"""

from __future__ import annotations

import re

from demo.model import Article
from demo.templates.base import Site, Template, esc

# Labels of the pager: chrome, never article text.
PAGER_WORDS = {"zh": ("上一页", "下一页"), "en": ("Previous page", "Next page")}


def page_paths(template: Template, art: Article, pages: int) -> list[str]:
    """The paths of the article's pages, the first being the article's own."""
    first = template.article_path(art)
    stem, dot, ext = first.rpartition(".")
    paths = [first]
    for n in range(2, pages + 1):
        if dot and "/" not in ext and ext.isalpha():
            paths.append(f"{stem}_{n}.{ext}")
        elif first.endswith("/"):
            paths.append(f"{first}{n}/")
        else:
            paths.append(f"{first}{'&' if '?' in first else '?'}page={n}")
    return paths


def split_body(art: Article, pages: int) -> list[Article]:
    """The article's parts, one a page: its body lines in order, in near-equal runs. A page
    neither ends nor starts with a subheading (templates glue a dateline to a page's first
    paragraph)."""
    lines = list(art.body)
    size = -(-len(lines) // pages)
    parts: list[list[str]] = []
    start = 0
    for _ in range(pages):
        end = min(len(lines), start + size)
        while 0 < end < len(lines) and (
            lines[end - 1].startswith("## ") or lines[end].startswith("## ")
        ):
            end += 1
        parts.append(lines[start:end])
        start = end
    parts = [p for p in parts if p]
    return [art.replace(body=tuple(part)) for part in parts]


def pager(language: str, paths: list[str], index: int) -> str:
    """The pager under page ``index`` (0-based) of an article with these page paths."""
    back, forward = PAGER_WORDS["zh" if language == "zh" else "en"]
    cells = []
    if index > 0:
        cells.append(f'<a href="{esc(paths[index - 1])}">{back}</a>')
    for i, path in enumerate(paths):
        cells.append(
            f'<span class="current">{i + 1}</span>'
            if i == index
            else f'<a href="{esc(path)}">{i + 1}</a>'
        )
    if index + 1 < len(paths):
        cells.append(f'<a href="{esc(paths[index + 1])}">{forward}</a>')
    label = "" if language == "zh" else "Pages: "
    return f'\n<div class="article-pages">{label}{" ".join(cells)}</div>\n'


def render_pages(template: Template, site: Site, art: Article, pages: int) -> dict[str, str]:
    """path -> HTML of every page of ``art`` split over ``pages`` pages."""
    parts = split_body(art, pages)
    paths = page_paths(template, art, len(parts))
    rendered = {}
    for index, (path, part) in enumerate(zip(paths, parts, strict=True)):
        html = template.render_article(site, part)
        rendered[path] = _with_pager(html, part, pager(template.language, paths, index))
    return rendered


_CLOSE = re.compile(r"\s*(?:</p>|</div>)?")


def _with_pager(html: str, part: Article, bar: str) -> str:
    """The page with the pager right after the part's last paragraph (else before </body>)."""
    last = part.paragraphs[-1]
    for probe in (esc(last), esc(last[-24:])):
        at = html.rfind(probe)
        if at >= 0:
            end = at + len(probe)
            match = _CLOSE.match(html, end)
            end = match.end() if match else end
            return html[:end] + bar + html[end:]
    at = html.rfind("</body>")
    return html[:at] + bar + html[at:] if at >= 0 else html + bar


def longest(articles: list[Article], min_lines: int) -> Article | None:
    """The article the portal splits: the longest with at least ``min_lines`` body lines."""
    candidates = [a for a in articles if len(a.body) >= min_lines]
    return max(candidates, key=lambda a: (sum(map(len, a.body)), -a.id), default=None)
