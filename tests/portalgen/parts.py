"""Interchangeable parts of an article page, each rendered from what is true about the story.

A part returns HTML and, where it puts words on the page that are not the article, those
words (``Leak``): the strings that must never reach an exported ``text``. The parts are
written the way real portal templates write them (several markups for one thing), never as
the reader expects them.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

from demo.model import SUBHEADING_PREFIX

ZH_NAMES = ("李青", "王晓明", "张蕾", "陈立新", "赵敏", "刘洋", "周婷", "孙浩")
EN_NAMES = ("Laura Chen", "Daniel Okafor", "Maria Rossi", "Tom Hargreaves", "Priya Nair")
DE_NAMES = ("Felix Schröder", "Jörg Soldwisch", "Anna Weber", "Lukas Brandt")
ZH_EDITORS = ("王二", "李四", "张敏")

# Byline forms and where they stand; the reader must find the names and keep the line out.
ZH_BYLINES = ("wen_first", "wen_last", "info_zuozhe_tools", "info_jizhe", "lead_benbaoxun")
EN_BYLINES = ("by_info", "by_first", "by_last", "von_info")
ZH_DATES = ("iso", "nian", "label")
EN_DATES = ("long", "day_first", "time_only")
SHARE_MARKUPS = ("ul", "a", "span", "button", "img")
SHARE_PLACES = ("top", "bottom", "both", "none")
TEASER_PLACES = ("content", "sidebar", "none")
WIDGETS = ("none", "mid")
BODY_MARKUPS = ("p", "br")
LAYOUTS = ("desktop", "mobile")
URL_SHAPES = ("dated_id", "id_only", "dated_slug", "id_query")

ZH_SHARE = ("分享到:", ("微信", "新浪微博", "QQ空间"))
EN_SHARE = ("Share this:", ("Facebook", "X", "WhatsApp", "E-Mail"))
ZH_TOOLS = ("打印", "收藏", "字号", "大", "中", "小")
ZH_TEASER_HEADS = ("相关新闻", "热点排行")
EN_TEASER_HEADS = ("Related", "Most read")


@dataclass(frozen=True)
class Template:
    """One site's template: a fixed choice of every part (same template, same outcome)."""

    name: str
    language: str
    layout: str
    byline: str
    date_form: str
    share_markup: str
    share_place: str
    teaser_place: str
    widget: str
    body_markup: str
    url_shape: str
    editor_line: bool
    source_line: bool
    brief_every: int  # every n-th article is a short brief (0: none)

    @classmethod
    def draw(cls, rng: random.Random, name: str, language: str) -> Template:
        zh = language == "zh"
        return cls(
            name=name,
            language=language,
            layout=rng.choice(LAYOUTS),
            byline=rng.choice(ZH_BYLINES if zh else EN_BYLINES),
            date_form=rng.choice(ZH_DATES if zh else EN_DATES),
            share_markup=rng.choice(SHARE_MARKUPS),
            share_place=rng.choice(SHARE_PLACES),
            teaser_place=rng.choice(TEASER_PLACES),
            widget=rng.choice(WIDGETS),
            body_markup=rng.choice(BODY_MARKUPS),
            url_shape=rng.choice(URL_SHAPES),
            editor_line=zh and rng.random() < 0.5,
            source_line=zh and rng.random() < 0.4,
            brief_every=rng.choice((0, 3, 4)),
        )

    def describe(self) -> str:
        """The combination, for failure messages and golden-test notes."""
        return ", ".join(f"{k}={v}" for k, v in vars(self).items() if k != "name")


@dataclass
class Leak:
    """Words a part put on the page that are not the article, by the part that owns them."""

    share: list[str] = field(default_factory=list)  # labels of a share bar, and its lead-in
    tools: list[str] = field(default_factory=list)  # tool links: 打印, 收藏, 字号 大 中 小
    byline: list[str] = field(default_factory=list)  # byline/source/editor lines as shown
    teasers: list[str] = field(default_factory=list)  # other stories' headlines
    widget: list[str] = field(default_factory=list)  # in-body "read more" lines


def esc(text: str) -> str:
    return html.escape(text, quote=True)


# -- dates ------------------------------------------------------------------------------------
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date_text(published: str, form: str) -> str:
    """The visible date of ``published`` (``YYYY-MM-DDTHH:MM``) in one of a template's forms."""
    day, clock = published.split("T")
    y, m, d = day.split("-")
    month = _EN_MONTHS[int(m) - 1]
    return {
        "iso": f"{day} {clock}",
        "nian": f"{y}年{m}月{d}日 {clock}",
        "label": f"发布时间：{day} {clock}",
        "long": f"{month} {int(d)}, {y} {clock}",
        "day_first": f"{int(d)} {month} {y}, {clock}",
        "time_only": f"{month} {int(d)}, {y}",
    }[form]


# -- bylines ----------------------------------------------------------------------------------
def zh_byline(form: str, authors: list[str]) -> str:
    """The byline as the page prints it (without the tool links of an info line)."""
    if form in ("wen_first", "wen_last"):
        return "文/" + "、".join(authors)
    if form == "info_zuozhe_tools":
        return "作者：" + " ".join(authors)
    if form == "info_jizhe":
        return f"记者 {authors[0]} 通讯员 {authors[1] if len(authors) > 1 else '钱多'}"
    return f"本报讯（记者 {'、'.join(authors)} 通讯员 钱多）"


def zh_authors(form: str, authors: list[str]) -> list[str]:
    """Who the byline credits as authors: a correspondent (通讯员) is one, as a reporter is."""
    if form == "info_jizhe":
        return [authors[0], authors[1] if len(authors) > 1 else "钱多"]
    if form in ("wen_first", "wen_last", "info_zuozhe_tools"):
        return authors
    return [*authors, "钱多"]


def en_byline(form: str, authors: list[str]) -> str:
    if form == "von_info":
        return "Von " + " und ".join(authors)
    return "By " + " and ".join(authors)


# -- share and tool bars ----------------------------------------------------------------------
def share_bar(markup: str, lead: str, labels: tuple[str, ...], with_lead: bool) -> str:
    """A run of share labels in one of several markups, with or without its lead-in."""
    head = f'<span class="share-title">{esc(lead)}</span>' if with_lead else ""
    if markup == "ul":
        items = "".join(
            f'<li><a href="#" class="s{i}">{esc(x)}</a></li>' for i, x in enumerate(labels)
        )
        return f'<div class="sharebox">{head}<ul>{items}</ul></div>'
    if markup == "a":
        items = " ".join(
            f'<a href="javascript:void(0)" rel="nofollow">{esc(x)}</a>' for x in labels
        )
        return f'<div class="bdsharebuttonbox">{head} {items}</div>'
    if markup == "span":
        items = "".join(
            f'<span class="icon" data-t="{i}">{esc(x)}</span>' for i, x in enumerate(labels)
        )
        return f'<div class="share-line">{head}{items}</div>'
    if markup == "button":
        items = "".join(f'<button type="button">{esc(x)}</button>' for x in labels)
        return f'<div class="social">{head}{items}</div>'
    items = "".join(
        f'<a href="#"><img src="/img/s{i}.png" alt="{esc(x)}"> {esc(x)}</a>'
        for i, x in enumerate(labels)
    )
    return f'<p class="fx">{head}{items}</p>'


def tool_links() -> str:
    return (
        '<span class="tools"><a href="javascript:window.print()">打印</a> '
        '<a href="javascript:void(0)">收藏</a> 字号 <a href="#">大</a> <a href="#">中</a> '
        '<a href="#">小</a></span>'
    )


# -- body -------------------------------------------------------------------------------------
def body_html(paragraphs: list[str], markup: str, widget: str | None) -> str:
    """The body's paragraphs (subheadings as <h2>), with an in-body widget after the second."""
    if markup == "br":
        out = []
        for i, line in enumerate(paragraphs):
            text = line.removeprefix(SUBHEADING_PREFIX)
            out.append(
                f"<strong>{esc(text)}</strong>" if line.startswith(SUBHEADING_PREFIX) else esc(text)
            )
            if widget and i == 1:
                out.append(widget)
        return '<div class="article-text">' + "<br>\n".join(out) + "</div>"
    out = []
    for i, line in enumerate(paragraphs):
        if line.startswith(SUBHEADING_PREFIX):
            out.append(f"<h2>{esc(line.removeprefix(SUBHEADING_PREFIX))}</h2>")
        else:
            out.append(f"<p>{esc(line)}</p>")
        if widget and i == 1:
            out.append(widget)
    return '<div class="article-text">' + "\n".join(out) + "</div>"


def widget_html(language: str, flavour: int, headline: str, href: str) -> tuple[str, str]:
    """(HTML, its visible line) of a mid-article "read more" box."""
    lead = ("相关阅读：", "Read more:", "Lesen Sie auch:")[
        0 if language == "zh" else 1 + flavour % 2
    ]
    line = f"{lead} {headline}"
    return (
        f'<div class="inline-related"><strong>{esc(lead)}</strong> <a href="{esc(href)}">{esc(headline)}</a></div>',
        line,
    )


def teaser_list(heading: str, items: list[tuple[str, str]], ranked: bool) -> str:
    lis = "".join(
        f'<li>{f"<em>{i + 1}</em>" if ranked else ""}<a href="{esc(h)}">{esc(t)}</a></li>'
        for i, (t, h) in enumerate(items)
    )
    return f'<div class="box"><h3>{esc(heading)}</h3><ul>{lis}</ul></div>'
