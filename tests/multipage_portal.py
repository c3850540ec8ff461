"""A loopback news portal whose long articles are split over 2 to 5 pages, in every pagination
form portals use, beside a listing with its own pagination and single-page articles whose
"Next"/"Previous" links lead to other stories.

Pages are served by full path and query (``?page=2`` is another page than ``?page=3``).
``MultipagePortal.articles`` says what the crawl must deliver: one item per article, with
every page's paragraphs in order.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ZH_NAV = "首页 | 国内 | 国际 | 财经 | 科技 | 体育"
EN_NAV = "Home | World | Business | Science | Sport | Opinion"


@dataclass
class Article:
    """One article: its pages' paths (the first is the article's URL) and their paragraphs."""

    key: str
    lang: str
    title: str
    paths: list[str]
    form: str  # how its pages link each other (see _pager)
    paragraphs: list[list[str]] = field(default_factory=list)
    failing: set[int] = field(default_factory=set)  # page indexes (0-based) answering 500
    loop_back: bool = False  # the last page's "next" leads back to page 2

    @property
    def first(self) -> str:
        return self.paths[0]


_EN_WORDS = [
    "council",
    "residents",
    "harbour",
    "bridge",
    "budget",
    "school",
    "river",
    "storm",
    "museum",
    "library",
    "road",
    "rail",
    "workers",
    "families",
    "market",
    "prices",
    "housing",
    "plan",
    "report",
    "study",
    "court",
    "police",
    "hospital",
    "water",
    "farmers",
    "coast",
    "energy",
    "wind",
    "solar",
    "tourism",
    "festival",
    "season",
    "weather",
    "flood",
    "repairs",
    "funding",
    "officials",
    "mayor",
    "minister",
    "teachers",
    "students",
    "doctors",
    "nurses",
    "visitors",
    "owners",
    "drivers",
]
_EN_VERBS = [
    "said",
    "expected",
    "reviewed",
    "approved",
    "delayed",
    "opened",
    "raised",
    "warned",
    "welcomed",
    "reported",
]
_ZH_WORDS = [
    "长江",
    "流域",
    "生态",
    "修复",
    "新能源",
    "汽车",
    "乡村",
    "振兴",
    "城市",
    "更新",
    "数字",
    "经济",
    "文物",
    "保护",
    "社区",
    "居民",
    "交通",
    "医疗",
    "教育",
    "就业",
    "养老",
    "住房",
    "水利",
    "农业",
    "旅游",
    "文化",
    "科技",
    "创新",
    "企业",
    "市场",
    "环境",
    "治理",
    "港口",
    "铁路",
    "高校",
    "医院",
    "村民",
    "游客",
    "商户",
    "园区",
    "湿地",
    "森林",
    "物流",
    "电网",
    "粮食",
    "渔业",
    "体育",
    "图书馆",
]


def _en_paragraphs(key: str, page: int, count: int = 3) -> list[str]:
    """Distinct prose per article and page (the dedupe stage must not take two articles of
    the portal for near duplicates), tagged so a test can find each paragraph."""
    rng = random.Random(f"{key}-{page}")
    paragraphs = []
    for i in range(count):
        sentences = []
        for _ in range(3):
            words = rng.sample(_EN_WORDS, 7)
            sentences.append(
                f"The {words[0]} and {words[1]} {rng.choice(_EN_VERBS)} that {words[2]} "
                f"{words[3]} would {rng.choice(_EN_VERBS)[:-1]} the {words[4]} {words[5]} "
                f"near the {words[6]}."
            )
        paragraphs.append(f"[{key} page {page + 1} paragraph {i + 1}] " + " ".join(sentences))
    return paragraphs


_ZH_TEMPLATES = (
    "记者了解到，{0}{1}工作与{2}{3}相互促进。",
    "{0}部门负责人介绍，今年{1}投入同比增长，{2}项目已经开工。",
    "据{0}统计，{1}{2}领域新增岗位，{3}需求旺盛。",
    "不少{0}表示，{1}变化看得见，{2}更方便了。",
    "专家认为，{0}{1}仍面临挑战，需要加强{2}和{3}。",
    "{0}{1}试点扩大到{2}，带动{3}发展。",
)


def _zh_paragraphs(key: str, page: int, count: int = 3) -> list[str]:
    rng = random.Random(f"{key}-{page}")
    paragraphs = []
    for i in range(count):
        sentences = [rng.choice(_ZH_TEMPLATES).format(*rng.sample(_ZH_WORDS, 4)) for _ in range(4)]
        paragraphs.append(f"【{key}第{page + 1}页第{i + 1}段】" + "".join(sentences))
    return paragraphs


def build_articles() -> list[Article]:
    """The portal's multi-page articles, one or more per pagination form."""
    arts = [
        Article(
            "zhnext",
            "zh",
            "长江流域生态修复取得新进展",
            [f"/zh/2024/05/t20240501_1001{s}.html" for s in ("", "_2", "_3")],
            "zh-prev-next",
        ),
        Article(
            "zhbar",
            "zh",
            "新能源汽车下乡活动持续升温",
            [
                "/zh/a1002/",
                "/zh/a1002/index_1.html",
                "/zh/a1002/index_2.html",
                "/zh/a1002/index_3.html",
            ],
            "zh-bar",
        ),  # fmt: skip
        Article(
            "zhdi",
            "zh",
            "多地推进老旧小区改造",
            ["/zh/2024/05/t20240502_1003.html", "/zh/2024/05/t20240502_1003_1.html"],
            "zh-di",
        ),
        Article(
            "enquery",
            "en",
            "Storm season brings record rainfall to the coast",
            ["/story/storm-season"] + [f"/story/storm-season?page={n}" for n in range(2, 6)],
            "en-bar",
        ),
        Article(
            "enpath",
            "en",
            "The long road to rebuilding the harbour",
            ["/features/harbour-rebuild/", "/features/harbour-rebuild/2/"],
            "en-next",
        ),
        Article(
            "enrel",
            "en",
            "Council approves new cycling routes",
            ["/articles/cycling-routes.html"]
            + [f"/articles/cycling-routes.html?pg={n}" for n in (2, 3)],
            "rel",
        ),
        Article(
            "de",
            "de",
            "Stadtrat beschließt neuen Haushalt",
            ["/de/haushalt-2024", "/de/haushalt-2024?seite=2"],
            "de",
        ),
        Article(
            "es",
            "es",
            "El ayuntamiento aprueba el nuevo presupuesto",
            ["/es/presupuesto.html", "/es/presupuesto_2.html"],
            "es",
        ),
        Article(
            "broken",
            "en",
            "Bridge repairs delayed again",
            ["/story/bridge-repairs"] + [f"/story/bridge-repairs?page={n}" for n in (2, 3, 4)],
            "en-bar",
            failing={2},
        ),
        Article(
            "loop",
            "en",
            "Museum reopens after renovation",
            ["/story/museum/", "/story/museum/2/", "/story/museum/3/"],
            "en-next",
            loop_back=True,
        ),
    ]
    for art in arts:
        make = _zh_paragraphs if art.lang == "zh" else _en_paragraphs
        art.paragraphs = [make(art.key, i) for i in range(len(art.paths))]
    return arts


def build_singles() -> list[Article]:
    """Single-page articles whose links say "Next"/"下一篇" but lead to other stories."""
    singles = [
        Article("single1", "en", "Library extends opening hours", ["/story/library-hours"], "none"),
        Article("single2", "en", "New bus timetable from June", ["/story/bus-timetable"], "none"),
        Article("single3", "zh", "图书馆延长开放时间", ["/zh/2024/05/t20240503_1010.html"], "none"),
    ]
    for art in singles:
        make = _zh_paragraphs if art.lang == "zh" else _en_paragraphs
        art.paragraphs = [make(art.key, 0, 4)]
    return singles


def _pager(art: Article, index: int) -> tuple[str, str]:
    """(head links, body pager) of page ``index`` of ``art`` in its pagination form."""
    paths, n = art.paths, len(art.paths)
    prev_path = paths[index - 1] if index > 0 else None
    next_path = paths[index + 1] if index + 1 < n else None
    if art.loop_back and index == n - 1:
        next_path = paths[1]
    form = art.form
    if form == "zh-prev-next":
        parts = []
        if prev_path:
            parts.append(f'<a href="{prev_path}">上一页</a>')
        if next_path:
            parts.append(f'<a href="{next_path}">下一页</a>')
        return "", f'<div class="page-nav">{" ".join(parts)}</div>'
    if form == "zh-bar":
        cells = []
        for i, path in enumerate(paths):
            cells.append(f"<span>{i + 1}</span>" if i == index else f'<a href="{path}">{i + 1}</a>')
        if next_path:
            cells.append(f'<a href="{next_path}">下页</a>')
        return "", f'<div id="pages" align="center">{"".join(cells)}</div>'
    if form == "zh-di":
        cells = [
            f"<b>第{i + 1}页</b>" if i == index else f'<a href="{p}">第{i + 1}页</a>'
            for i, p in enumerate(paths)
        ]
        return "", f'<p class="pager">{" ".join(cells)}</p>'
    if form == "en-bar":
        items = []
        if prev_path:
            items.append(f'<li><a href="{prev_path}">‹ Previous</a></li>')
        for i, path in enumerate(paths):
            active = ' class="active"' if i == index else ""
            items.append(f'<li{active}><a href="{path}">{i + 1}</a></li>')
        if next_path:
            items.append(f'<li><a href="{next_path}">Next page ›</a></li>')
        return "", f'<nav class="pagination"><ul>{"".join(items)}</ul></nav>'
    if form == "en-next":
        label = f"<span>Page {index + 1} of {n}</span>"
        link = f'<a href="{next_path}">Next page</a>' if next_path else ""
        back = f'<a href="{prev_path}">Previous page</a>' if prev_path else ""
        return "", f'<div class="article-pages">{back} {label} {link}</div>'
    if form == "rel":
        head = ""
        if prev_path:
            head += f'<link rel="prev" href="{prev_path}">'
        if next_path:
            head += f'<link rel="next" href="{next_path}">'
        return head, ""
    if form == "de":
        link = f'<a href="{next_path}">Nächste Seite »</a>' if next_path else ""
        back = f'<a href="{prev_path}">« Vorherige Seite</a>' if prev_path else ""
        return "", f'<div class="seiten">{back} Seite {index + 1} von {n} {link}</div>'
    if form == "es":
        link = f'<a href="{next_path}">Página siguiente</a>' if next_path else ""
        back = f'<a href="{prev_path}">Página anterior</a>' if prev_path else ""
        return "", f'<div class="paginacion">{back} {link}</div>'
    return "", ""


def render_article(art: Article, index: int, others: list[Article]) -> str:
    """Page ``index`` of ``art``: chrome, the repeated headline, dateline and byline, the
    page's paragraphs, its pager, related stories (with "Next story" links), footer."""
    head_links, pager = _pager(art, index)
    zh = art.lang == "zh"
    nav = ZH_NAV if zh else EN_NAV
    dateline = (
        "2024-05-01 09:30 来源：本报记者 张明" if zh else "May 1, 2024 09:30 · By Jane Carter"
    )
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in art.paragraphs[index])
    related = "\n".join(
        f'<li><a href="{o.first}">{escape(o.title)}</a></li>' for o in others if o is not art
    )[:2000]
    story_nav = (
        f'<div class="story-nav"><a href="{others[0].first}">下一篇：{escape(others[0].title)}</a></div>'
        if zh
        else f'<div class="story-nav"><a href="{others[0].first}">Next story</a> '
        f'<a href="{others[-1].first}">Previous</a></div>'
    )
    editor = "<p>责任编辑：李华</p>" if zh else ""
    return f"""<!DOCTYPE html>
<html lang="{art.lang}"><head><meta charset="utf-8">
<title>{escape(art.title)} - Harbour Daily</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-01T09:30:00+08:00">
{head_links}
</head><body>
<header><div class="logo">Harbour Daily</div><nav>{escape(nav)}</nav></header>
<main><article>
<h1>{escape(art.title)}</h1>
<div class="info">{escape(dateline)}</div>
<div class="content">
{paras}
{editor}
</div>
{pager}
</article>
{story_nav}
<aside><h3>{"相关新闻" if zh else "Related"}</h3><ul>{related}</ul></aside>
</main>
<footer>© 2024 Harbour Daily · About · Contact · Privacy</footer>
</body></html>"""


def render_listing(title: str, links: list[tuple[str, str]], pager: str) -> str:
    items = "\n".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in links)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - Harbour Daily</title>
</head><body>
<header><div class="logo">Harbour Daily</div><nav>{escape(EN_NAV)}</nav></header>
<main><h1>{escape(title)}</h1><ul class="list">{items}</ul>{pager}</main>
<footer>© 2024 Harbour Daily</footer></body></html>"""


class MultipagePortal:
    """The portal, served on 127.0.0.1; ``hits`` counts requests per path+query."""

    def __init__(self) -> None:
        self.articles = build_articles()
        self.singles = build_singles()
        self.pages: dict[str, tuple[int, str]] = {}
        self.hits: dict[str, int] = {}
        self.reached_alone: list[str] = []
        self._lock = threading.Lock()
        self._build()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                with portal._lock:
                    portal.hits[self.path] = portal.hits.get(self.path, 0) + 1
                status, body = portal.pages.get(self.path, (404, "not found"))
                data = body.replace("{BASE}", portal.base).encode("utf-8")
                ctype = "text/plain" if self.path.endswith((".txt", ".xml")) else "text/html"
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _build(self) -> None:
        everyone = self.articles + self.singles
        for art in everyone:
            for i, path in enumerate(art.paths):
                # "zhnext" is linked by no other page: only its page 3 (sitemap) leads to it.
                others = [o for o in everyone if o is not art and o.key != "zhnext"]
                status = 500 if i in art.failing else 200
                self.pages[path] = (status, render_article(art, i, others))
        by_key = {a.key: a for a in self.articles}
        # The listing links most first pages; "enquery" only by its page 2, "zhnext" only by
        # its page 3 in the sitemap: the crawl reaches those later pages first.
        first = [
            (a.first, a.title) for a in self.articles if a.key not in ("enquery", "zhnext", "es")
        ]
        first.append((by_key["enquery"].paths[1], by_key["enquery"].title + " (page 2)"))
        pager = '<div class="pages"><span>1</span> <a href="/news/index_1.html">2</a> <a href="/news/index_1.html">下一页</a></div>'
        self.pages["/"] = (200, render_listing("Harbour Daily", [("/news/", "News")], ""))
        self.pages["/news/"] = (200, render_listing("Latest news", first, pager))
        second = [(s.first, s.title) for s in self.singles]
        second.append((by_key["es"].first, by_key["es"].title))
        pager2 = '<div class="pages"><a href="/news/">1</a> <span>2</span> <a href="/news/">上一页</a></div>'
        self.pages["/news/index_1.html"] = (200, render_listing("Latest news", second, pager2))
        self.pages["/robots.txt"] = (200, "User-agent: *\nAllow: /\nSitemap: {BASE}/sitemap.xml\n")
        urls = [by_key["zhnext"].paths[2], by_key["enrel"].paths[1]]
        # Later pages the crawl finds before (or without) their first page.
        self.reached_alone = [*urls, by_key["enquery"].paths[1]]
        entries = "".join(f"<url><loc>{{BASE}}{u}</loc></url>" for u in urls)
        self.pages["/sitemap.xml"] = (
            200,
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        )

    def url(self, path: str) -> str:
        return self.base + path

    def set_sitemap(self, entries: list[tuple[str, str | None]]) -> None:
        """Serve a sitemap of these (path, lastmod) entries instead."""
        rows = "".join(
            f"<url><loc>{{BASE}}{escape(path)}</loc>"
            + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
            + "</url>"
            for path, lastmod in entries
        )
        self.pages["/sitemap.xml"] = (
            200,
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>',
        )

    def rewrite(self, key: str, index: int, paragraphs: list[str]) -> None:
        """Change the text of page ``index`` of article ``key`` (an editor's correction)."""
        art = next(a for a in self.articles + self.singles if a.key == key)
        art.paragraphs[index] = paragraphs
        everyone = self.articles + self.singles
        others = [o for o in everyone if o is not art and o.key != "zhnext"]
        status = self.pages[art.paths[index]][0]
        self.pages[art.paths[index]] = (status, render_article(art, index, others))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
