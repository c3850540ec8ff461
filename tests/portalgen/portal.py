"""A generated portal: a front page, N article pages of one template, and what is true of each.

``generate(seed)`` draws one template per site and renders every article with it, so the
crawl meets combinations of parts no fixture was written for; the same seed gives the same
bytes. A portal is served by ``demo.server.PortalServer`` (``bind`` + ``mount``): it has the
``base_url`` and ``lookup`` the server asks of a portal.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from demo.corpus import load_corpus
from demo.model import SUBHEADING_PREFIX, Article
from tests.portalgen import parts
from tests.portalgen.parts import Leak, Template, esc

Page = tuple[bytes, str]

ZH_SITES = ("清河新闻网", "临安在线", "东江资讯", "南湖日报网")
EN_SITES = ("Northfield Courier", "Harbour Times", "Riverside Gazette", "Millbrook Post")


@dataclass
class ArticleCase:
    """One generated article page and its true fields."""

    url: str
    title: str
    authors: list[str]
    published: str  # YYYY-MM-DDTHH:MM, or the day alone when the page shows no time
    paragraphs: list[str]  # the text's lines, in order
    template: Template
    date_line: str  # the visible date as printed under the headline
    names: list[str] = field(default_factory=list)  # the names the byline prints
    brief: bool = False
    hidden: bool = False  # linked only from an article-like listing page
    leak: Leak = field(default_factory=Leak)


@dataclass
class GeneratedPortal:
    """One site: its pages by request path, and the truth of every article on it."""

    base_url: str
    site_name: str
    template: Template
    pages: dict[str, Page] = field(default_factory=dict)
    articles: list[ArticleCase] = field(default_factory=list)
    # An article-like page (dated, headline, article-like URL) whose body is a headline list.
    digest_url: str | None = None

    @property
    def start_url(self) -> str:
        return self.base_url + "/"

    def lookup(self, raw_path: str) -> Page | None:
        """The page for a request path, as demo.server.PortalServer asks it."""
        return self.pages.get(raw_path) or self.pages.get(raw_path.split("?", 1)[0])


def generate(
    seed: int, base_urls: list[str], articles_per_site: int = 6, digest: bool = True
) -> list[GeneratedPortal]:
    """One portal per base URL, languages alternating (zh first), templates drawn from seed."""
    rng = random.Random(seed)
    portals = []
    for i, base in enumerate(base_urls):
        language = "zh" if i % 2 == 0 else "en"
        template = Template.draw(rng, f"s{seed}-{i}-{language}", language)
        sites = ZH_SITES if language == "zh" else EN_SITES
        portal = GeneratedPortal(base.rstrip("/"), sites[i // 2 % len(sites)], template)
        _fill(portal, rng, articles_per_site, digest=digest and i == 0)
        portals.append(portal)
    return portals


# -- rendering --------------------------------------------------------------------------------
def _fill(portal: GeneratedPortal, rng: random.Random, n: int, digest: bool) -> None:
    t = portal.template
    corpus = load_corpus(t.language)
    stories = rng.sample(corpus, min(n, len(corpus)))
    names = parts.ZH_NAMES if t.language == "zh" else parts.EN_NAMES
    if t.byline == "von_info":
        names = parts.DE_NAMES
    for k, story in enumerate(stories):
        authors = rng.sample(names, rng.choice((1, 2)))
        if t.byline == "info_jizhe" and len(authors) < 2:
            authors.append(rng.choice([x for x in names if x not in authors]))
        brief = bool(t.brief_every) and k % t.brief_every == 1
        case = _case(portal, story, authors, brief, 30000 + story.id * 13 + k)
        portal.articles.append(case)
    if digest and len(portal.articles) > 1:
        portal.articles[-1].hidden = True
    listed = [a for a in portal.articles if not a.hidden]
    for case in portal.articles:
        others = [a for a in listed if a is not case]
        portal.pages[_path(case.url)] = (_article_page(portal, case, others, rng), _ctype())
    portal.pages["/"] = (_front_page(portal, listed, digest), _ctype())
    for path in ("/about/", "/search/"):  # linked from every page's head or foot
        portal.pages[path] = (_plain_page(portal, path.strip("/")), _ctype())
    if digest:
        portal.digest_url = portal.base_url + _digest_path(t)
        portal.pages[_path(portal.digest_url)] = (_digest_page(portal), _ctype())


def _ctype() -> str:
    return "text/html; charset=utf-8"


def _path(url: str) -> str:
    parts_ = urlsplit(url)
    return parts_.path + (f"?{parts_.query}" if parts_.query else "")


def _url(portal: GeneratedPortal, story: Article, number: int) -> str:
    day = story.published[:10]
    y, m, d = day.split("-")
    shape = portal.template.url_shape
    if shape == "dated_id":
        path = f"/news/{y}/{m}{d}/{number}.html"
    elif shape == "id_only":
        path = f"/a/{number}.html"
    elif shape == "dated_slug":
        words = re.findall(r"[a-z0-9]+", story.title.lower())[:6] or ["story", str(number)]
        path = f"/{y}/{m}/{d}/{'-'.join(words)}-{number}/"
    else:
        path = f"/show.php?id={number}"
    return portal.base_url + path


def _digest_path(t: Template) -> str:
    return "/news/2025/0411/29999.html" if t.url_shape != "id_query" else "/show.php?id=29999"


def _brief(story: Article) -> list[str]:
    """Two short paragraphs: the first sentence of the story's first two paragraphs."""
    out = []
    for para in [p for p in story.body if not p.startswith(SUBHEADING_PREFIX)][:2]:
        first = re.match(r".+?[。！？.!?](?=\s|$|[^0-9])", para)
        out.append(first.group(0) if first else para)
    return out


def _case(
    portal: GeneratedPortal, story: Article, authors: list[str], brief: bool, number: int
) -> ArticleCase:
    t = portal.template
    paragraphs = _brief(story) if brief else [p for p in story.paragraphs]
    published = story.published if t.date_form != "time_only" else story.published[:10]
    credited = parts.zh_authors(t.byline, authors) if t.language == "zh" else authors
    case = ArticleCase(
        url=_url(portal, story, number),
        title=story.title,
        authors=list(credited),
        published=published,
        paragraphs=paragraphs,
        template=t,
        date_line=parts.date_text(story.published, t.date_form),
        names=authors,
        brief=brief,
    )
    return case


def _article_page(
    portal: GeneratedPortal, case: ArticleCase, others: list[ArticleCase], rng: random.Random
) -> bytes:
    t, zh = case.template, case.template.language == "zh"
    authors = case.names
    leak = case.leak
    byline = parts.zh_byline(t.byline, authors) if zh else parts.en_byline(t.byline, authors)
    # Info line under the headline: the date, the site as source, an info-line byline, tools.
    info = [f'<span class="time">{esc(case.date_line)}</span>']
    if zh:
        info.append(f"<span>来源：{esc(portal.site_name)}</span>")
    if t.byline in ("info_zuozhe_tools", "info_jizhe", "by_info", "von_info"):
        info.append(f'<span class="author">{esc(byline)}</span>')
        leak.byline.append(byline)
    if zh and t.byline == "info_zuozhe_tools":
        info.append(parts.tool_links())
        leak.tools.extend(parts.ZH_TOOLS)
    # Body lines as the template prints them.
    lines = list(case.paragraphs)
    if t.byline == "lead_benbaoxun":
        lines[0] = byline + lines[0]
        leak.byline.append(byline)
    elif t.byline in ("wen_first", "by_first"):
        lines.insert(0, byline)
        leak.byline.append(byline)
    elif t.byline in ("wen_last", "by_last"):
        lines.append(byline)
        leak.byline.append(byline)
    if t.source_line:
        lines.append("来源：新华社")
        leak.byline.append("来源：新华社")
    if t.editor_line:
        editor = f"（责任编辑：{rng.choice(parts.ZH_EDITORS)}）"
        lines.append(editor)
        leak.byline.append(editor)
    widget = None
    if t.widget == "mid" and others and len(case.paragraphs) > 3:
        target = rng.choice(others)
        widget, widget_line = parts.widget_html(
            t.language, len(portal.articles), target.title, target.url
        )
        leak.widget.append(widget_line)
    body = parts.body_html(lines, t.body_markup, widget)
    # Share bar(s) and teaser lists.
    lead, labels = parts.ZH_SHARE if zh else parts.EN_SHARE
    with_lead = rng.random() < 0.7 if t.share_place != "none" else False
    share = parts.share_bar(t.share_markup, lead, labels, with_lead)
    if t.share_place != "none":
        leak.share.extend([lead, *labels] if with_lead else labels)
    top = share if t.share_place in ("top", "both") else ""
    bottom = share if t.share_place in ("bottom", "both") else ""
    teasers = ""
    if t.teaser_place != "none" and others:
        heads = parts.ZH_TEASER_HEADS if zh else parts.EN_TEASER_HEADS
        related = [(a.title, a.url) for a in others[:4]]
        ranked = [(a.title, a.url) for a in reversed(others[-5:])]
        teasers = parts.teaser_list(heads[0], related, False) + parts.teaser_list(
            heads[1], ranked, True
        )
        leak.teasers.extend(a.title for a in others)
    title_tag = f"{case.title}_{portal.site_name}" if zh else f"{case.title} | {portal.site_name}"
    head = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if zh else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{esc(title_tag)}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="stylesheet" href="/css/site.css">\n</head>\n'
    )
    nav = _nav(zh)
    if t.layout == "mobile":
        page = (
            f'{head}<body>\n<header class="m-top"><a href="/" class="logo">{esc(portal.site_name)}</a>'
            f' <a href="/search/">{"搜索" if zh else "Search"}</a></header>\n'
            f'<section class="m-article">\n<h1 class="m-title">{esc(case.title)}</h1>\n'
            f'<div class="m-info">{" ".join(info)}</div>\n{top}\n{body}\n{bottom}\n</section>\n'
            f'<section class="m-more">{teasers}</section>\n'
            f'<footer class="m-foot"><a href="/">{"返回首页" if zh else "Home"}</a> © 2025 {esc(portal.site_name)}</footer>\n'
            "</body>\n</html>\n"
        )
    else:
        in_content = teasers if t.teaser_place == "content" else ""
        sidebar = teasers if t.teaser_place == "sidebar" else ""
        crumbs = (
            '<div class="crumbs">当前位置：<a href="/">首页</a> &gt; 正文</div>'
            if zh
            else '<div class="crumbs"><a href="/">Home</a> / News</div>'
        )
        page = (
            f'{head}<body>\n<div class="header"><div class="logo"><a href="/">{esc(portal.site_name)}</a></div>'
            f"{nav}</div>\n"
            f'<div class="main">\n<div class="left">\n{crumbs}\n<h1>{esc(case.title)}</h1>\n'
            f'<div class="info">{" ".join(info)}</div>\n{top}\n'
            f'<div class="content">\n{body}\n{in_content}\n</div>\n{bottom}\n</div>\n'
            f'<div class="right">{sidebar}</div>\n</div>\n'
            f'<div class="footer"><p><a href="/about/">{"关于我们" if zh else "About us"}</a></p>'
            f"<p>© 2025 {esc(portal.site_name)}</p></div>\n</body>\n</html>\n"
        )
    return page.encode("utf-8")


def _nav(zh: bool) -> str:
    if zh:
        links = [("/", "首页"), ("/", "要闻"), ("/", "本地"), ("/", "财经")]
    else:
        links = [("/", "Home"), ("/", "News"), ("/", "Business"), ("/", "Sport")]
    return '<div class="nav">' + " ".join(f'<a href="{h}">{x}</a>' for h, x in links) + "</div>"


def _front_page(portal: GeneratedPortal, listed: list[ArticleCase], digest: bool) -> bytes:
    zh = portal.template.language == "zh"
    cards = "\n".join(
        f'<li><h2><a href="{esc(a.url)}">{esc(a.title)}</a></h2><span>{esc(a.date_line)}</span></li>'
        for a in listed
    )
    more = (
        f'<p><a href="{esc(portal.base_url + _digest_path(portal.template))}">'
        f"{'今日要闻速览' if zh else 'Morning briefing: the day in headlines'}</a></p>"
        if digest
        else ""
    )
    page = (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(portal.site_name)}</title></head>\n'
        f'<body><div class="header"><a href="/">{esc(portal.site_name)}</a></div>\n'
        f'<ul class="news-list">\n{cards}\n</ul>\n{more}\n</body></html>\n'
    )
    return page.encode("utf-8")


def _plain_page(portal: GeneratedPortal, name: str) -> bytes:
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{name} - {esc(portal.site_name)}'
        f'</title></head><body><h1>{name}</h1><p><a href="/">{esc(portal.site_name)}</a></p>'
        "</body></html>\n"
    ).encode()


def _digest_page(portal: GeneratedPortal) -> bytes:
    """Dated, a headline, an article-like URL, and a body of headlines only: a listing that
    looks like an article (the reader follows it and records the decision)."""
    zh = portal.template.language == "zh"
    title = "今日要闻速览" if zh else "Morning briefing: the day in headlines"
    items = "\n".join(f'<p><a href="{esc(a.url)}">{esc(a.title)}</a></p>' for a in portal.articles)
    date = parts.date_text("2025-04-11T07:00", "iso" if zh else "long")
    page = (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(title)}_{esc(portal.site_name)}</title></head>\n'
        f'<body><div class="header"><a href="/">{esc(portal.site_name)}</a></div>\n'
        f'<div class="main"><h1>{esc(title)}</h1><div class="info">{esc(date)}</div>\n'
        f'<div class="content">\n{items}\n</div></div>\n</body></html>\n'
    )
    return page.encode("utf-8")
