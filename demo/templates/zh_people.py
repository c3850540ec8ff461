"""Held-out template: a big Chinese central news site (人民网/新华网 style, "标题--社会--人民网").

Traits: utf-8 in the HTTP header and a meta tag; /n1/2025/0124/c1008-40412345.html URLs;
top nav with sister-site links; "当前位置：人民网 > 社会 > 正文" breadcrumb; an optional
引题 above and a "——" subtitle under the h1; a "本报记者　A　B" line (full-width spaces)
and an info line "2025年01月24日08:32 | 来源：人民网－人民日报"; body in
<div class="rm_txt_con"> with <p> paragraphs indented by full-width spaces, a centered
image plus a centered caption paragraph ending in "本报记者 A摄", and the "(责编：A、B)"
line *inside* the body div; share icons, 相关新闻, 推荐阅读 teaser grid, ICP footer.
Dates carry no offset on the page: truth is +08:00.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, esc, stable_number, teaser, when

SITE = "人民网"
CIDS = {"local": 1008, "economy": 1004, "tech": 1007, "sports": 1010, "culture": 1013}
EDITORS = (("杨虞波罗", "初梓瑞"), ("王震", "刘军涛"), ("李昉",), ("陈羽", "牛镛"))
SUBTITLES = ("——新春走基层", "——来自一线的蹲点观察", "——记者调查", "")
PRETITLES = ("", "聚焦民生实事", "", "奋进新征程")
ICP = "京ICP证000006号"
REPORT = "违法和不良信息举报电话：010-65363263"
SHARE_HINT = "分享让更多人看到"
INDENT = "\u3000\u3000"


def stamp(art: Article) -> str:
    """2025年01月24日08:32 (zero padded, no space, as on 人民网)."""
    return f"{when(art):%Y年%m月%d日%H:%M}"


class ZhPeople(Template):
    """Central news site "人民网": rm_txt_con body, 责编 line inside it, recommend grid."""

    name: ClassVar[str] = "zh_people"
    language: ClassVar[str] = "zh"
    site_name: ClassVar[str] = SITE
    sections: ClassVar[dict[str, str]] = {
        "local": "社会·法治",
        "economy": "经济·科技",
        "tech": "科普",
        "sports": "体育",
        "culture": "文化",
    }
    content_type: ClassVar[str] = "text/html; charset=UTF-8"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        d = when(art)
        return f"/n1/{d:%Y}/{d:%m%d}/c{CIDS[art.section]}-{40412000 + art.id * 37}.html"

    def section_path(self, section: str, page: int = 1) -> str:
        return f"/GB/{CIDS[section]}/index{'' if page == 1 else page}.html"

    def latest_path(self, page: int = 1) -> str:
        return f"/GB/59476/index{'' if page == 1 else page}.html"

    def tag_path(self, tag: str) -> str:
        return f"/GB/zhuanti/{quote(tag)}/index.html"

    def author_path(self, author: str) -> str:
        return f"/GB/jizhe/{stable_number(author, 10000, 99999)}/index.html"

    def published_iso(self, local: str) -> str:
        return f"{local}:00+08:00"

    # -- text pieces --------------------------------------------------------------------
    def subtitle(self, art: Article) -> str:
        return SUBTITLES[art.id % len(SUBTITLES)]

    def pretitle(self, art: Article) -> str:
        return PRETITLES[art.id % len(PRETITLES)]

    def reporter_line(self, art: Article) -> str:
        return "本报记者\u3000" + "\u3000".join(art.authors)

    def source_line(self, art: Article) -> str:
        return f"来源：人民网－{art.source}" if art.source else "来源：人民网"

    def editor(self, art: Article) -> str:
        return f"(责编：{'、'.join(EDITORS[art.id % len(EDITORS)])})"

    def caption_line(self, art: Article) -> str:
        assert art.image
        return f"{art.image.caption}本报记者 {art.authors[0]}摄"

    def recommend(self, site: Site, art: Article | None) -> list[Article]:
        return site.pick(art, 4, "tuijian") if art else site.latest(4)

    # -- page parts -------------------------------------------------------------------
    def _head(self, title: str, extra: str = "") -> str:
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            '<meta http-equiv="content-type" content="text/html;charset=UTF-8"/>\n'
            '<meta http-equiv="Content-Language" content="utf-8" />\n'
            '<meta content="all" name="robots" />\n'
            f"<title>{esc(title)}</title>\n{extra}"
            '<link href="/img/2020wbc/css/page.css" type="text/css" rel="stylesheet" media="all" />\n'
            '<script src="/img/2020wbc/js/jquery.min.js" type="text/javascript"></script>\n'
            "</head>\n<body>\n"
        )

    def _top(self) -> str:
        chans = "|".join(
            f'<a href="{self.section_path(s)}" target="_blank">{n}</a>'
            for s, n in self.sections.items()
        )
        return (
            '<div class="top_nav"><div class="w1200">'
            '<div class="fl"><a href="/" target="_blank">人民网首页</a>|'
            '<a href="http://paper.people-example.cn/rmrb/" target="_blank">人民日报</a>|'
            '<a href="http://paper.people-example.cn/rmrbhwb/" target="_blank">人民日报海外版</a>|'
            '<a href="http://m.people-example.cn/" target="_blank">手机人民网</a>|'
            '<a href="http://en.people-example.cn/" target="_blank">English</a></div>'
            '<div class="fr"><a href="/GB/59476/index.html">滚动</a>|'
            '<a href="/bbs/login.html">登录</a></div></div></div>\n'
            '<div class="header w1200"><a href="/" class="logo"><img src="/img/2020wbc/imgs/logo.png" alt="人民网"></a>'
            '<form action="http://search.people-example.cn/search" target="_blank"><input name="keyword">'
            "<button>搜索</button></form></div>\n"
            f'<div class="nav w1200"><a href="/">首页</a>|{chans}|'
            '<a href="http://tv.people-example.cn/" target="_blank">视频</a></div>\n'
        )

    def _foot(self, site: Site) -> str:
        friends = " ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            f'<div class="friend w1200">合作伙伴：{friends} '
            '<a href="http://www.xinhua-example.cn/" target="_blank">新华网</a></div>\n'
            '<div class="foot">\n<p><a href="/GB/50142/index.html">人民日报社概况</a>|'
            '<a href="/about/index.html">关于人民网</a>|<a href="/GB/50142/ad.html">广告服务</a>|'
            '<a href="/GB/50142/sitemap.html">网站地图</a>|<a href="/GB/50142/liuyan.html">留言板</a></p>\n'
            "<p>人民日报社概况 | 人民网版权所有，未经书面授权禁止使用</p>\n"
            "<p>Copyright &copy; 1997-2025 by www.people-example.cn. all rights reserved</p>\n"
            f'<p><a href="https://beian.miit.gov.cn/" target="_blank">{ICP}</a>　'
            "京公网安备11000002000008号　互联网新闻信息服务许可证10120170001</p>\n"
            f"<p>{REPORT}　举报邮箱：jubao@people-example.cn</p>\n</div>\n"
            '<script src="http://tongji.people-example.cn/js/t.js"></script>\n</body>\n</html>\n'
        )

    def _body(self, art: Article) -> str:
        out = []
        for i, line in enumerate(art.body):
            if line.startswith(SUBHEADING_PREFIX):
                out.append(
                    f'<p style="text-indent: 2em;"><strong>{esc(line[len(SUBHEADING_PREFIX) :])}</strong></p>'
                )
            else:
                out.append(f"<p>{INDENT}{esc(line)}</p>")
            if i == 0 and art.image:
                out.append(
                    f'<p style="text-align: center;"><img src="{art.image.path}" border="0" /></p>\n'
                    f'<p style="text-align: center;">{esc(self.caption_line(art))}</p>'
                )
        return "\n".join(out)

    def _share(self) -> str:
        return (
            '<div class="share cf"><div class="fl">'
            '<div class="bdsharebuttonbox"><span>分享到：</span>'
            '<a href="javascript:;" class="bds_weixin" title="分享到微信">微信</a>'
            '<a href="http://service.weibo.com/share/share.php" class="bds_tsina" title="分享到新浪微博">新浪微博</a>'
            '<a href="javascript:;" class="bds_people" title="分享到人民微博">人民微博</a></div></div>'
            f'<div class="fr"><a href="javascript:;">{SHARE_HINT}</a></div></div>\n'
        )

    def _related(self, site: Site, art: Article) -> str:
        lis = "".join(
            f'<li><a href="{site.href(a)}" target="_blank">{esc(a.title)}</a><span>{when(a):%Y-%m-%d}</span></li>'
            for a in site.pick(art, 5, "xgxw")
        )
        return f'<div class="headingNews"><h2>相关新闻</h2><ul class="list_14">{lis}</ul></div>\n'

    def _recommend(self, site: Site, art: Article | None) -> str:
        cards = "".join(
            f'<div class="hdNews clearfix"><div class="item"><a href="{site.href(a)}" target="_blank">'
            f'<img src="{a.image.path if a.image else "/img/2020wbc/imgs/default.png"}" width="130" height="90"></a></div>'
            f'<div class="item_txt"><h5><a href="{site.href(a)}" target="_blank">{esc(a.title)}</a></h5>'
            f"<em>{esc(teaser(a.paragraphs[0], 56))}</em></div></div>\n"
            for a in self.recommend(site, art)
        )
        return f'<div class="ej_right"><div class="title"><h2>推荐阅读</h2></div>\n{cards}</div>\n'

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        d = when(art)
        sec = self.sections[art.section]
        meta = (
            f'<meta name="keywords" content="{esc(",".join(art.tags))}" />\n'
            f'<meta name="description" content="{esc(teaser(art.paragraphs[0], 100))}" />\n'
            f'<meta name="source" content="{esc(self.source_line(art))}" />\n'
            f'<meta name="publishdate" content="{d:%Y-%m-%d}" />\n'
            f'<meta name="contentid" content="{40412000 + art.id * 37}" />\n'
            f'<meta name="catalogs" content="{CIDS[art.section]}" />\n'
            '<meta name="filetype" content="0" />\n<meta name="publishedtype" content="1" />\n'
        )
        pre = self.pretitle(art)
        sub = self.subtitle(art)
        authors = "\u3000".join(
            f'<a href="{self.author_path(n)}" target="_blank">{esc(n)}</a>' for n in art.authors
        )
        return (
            self._head(f"{art.title}--{sec}--{SITE}", meta)
            + self._top()
            + '<div class="main w1200 clearfix">\n<div class="col col-1 fl">\n'
            + f'<div class="route">当前位置：<a href="/">{SITE}</a>&gt;&gt;'
            + f'<a href="{self.section_path(art.section)}">{sec}</a>&gt;&gt;正文</div>\n'
            + '<div class="col-1-1 fl">\n'
            + f'<h3 class="pre">{esc(pre)}</h3>\n'
            + f"<h1>{esc(art.title)}</h1>\n"
            + f'<h4 class="sub">{esc(sub)}</h4>\n'
            + f'<p class="author">本报记者\u3000{authors}</p>\n'
            + f'<div class="channel cf"><div class="col-1-1">{stamp(art)} | '
            + f'<a href="http://paper.people-example.cn/rmrb/" target="_blank">{esc(self.source_line(art))}</a></div>'
            + '<div class="col-1-2"><a href="javascript:;">打印</a> <a href="javascript:;">网摘</a> '
            + '<a href="javascript:;">纠错</a> <a href="javascript:;">商城</a> <a href="javascript:;">分享</a> '
            + '<a href="javascript:;">推荐</a> <a href="javascript:;">字号</a></div></div>\n'
            + f'<div class="rm_txt_con cf">\n{self._body(art)}\n'
            + f'<div class="edit cf">{esc(self.editor(art))}</div>\n</div>\n'
            + self._share()
            + self._related(site, art)
            + "</div>\n</div>\n"
            + '<div class="col col-2 fr">\n'
            + self._recommend(site, art)
            + "</div>\n</div>\n"
            + self._foot(site)
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {
            "latest": "滚动新闻",
            "tag": f"专题：{listing.heading}",
            "author": f"记者：{listing.heading}",
        }.get(listing.kind, listing.heading)
        lis = "".join(
            f'<li><a href="{site.href(a)}" target="_blank">{esc(a.title)}</a><em>{stamp(a)}</em></li>\n'
            for a in listing.items
        )
        pager = ""
        if listing.total_pages > 1:
            parts = []
            if listing.page > 1:
                parts.append(f'<a href="{listing.page_paths[listing.page - 2]}">上一页</a>')
            parts += [
                f'<a href="{p}" class="{"common_current" if n == listing.page else ""}">{n}</a>'
                for n, p in enumerate(listing.page_paths, 1)
            ]
            if listing.page < listing.total_pages:
                parts.append(f'<a href="{listing.page_paths[listing.page]}">下一页</a>')
            pager = f'<div class="page_n clearfix">{"".join(parts)}</div>\n'
        return (
            self._head(f"{heading}--{SITE}")
            + self._top()
            + '<div class="main w1200 clearfix"><div class="col col-1 fl">\n'
            + f'<div class="route">当前位置：<a href="/">{SITE}</a>&gt;&gt;{esc(heading)}</div>\n'
            + f'<div class="ej_list_box clear"><ul class="list_ej2">\n{lis}</ul></div>\n{pager}</div>\n'
            + '<div class="col col-2 fr">'
            + self._recommend(site, None)
            + "</div></div>\n"
            + self._foot(site)
        )

    def render_home(self, site: Site) -> str:
        top = site.latest(1)
        lead = (
            f'<div class="news_box"><h1><a href="{site.href(top[0])}">{esc(top[0].title)}</a></h1>'
            f"<p>{esc(teaser(top[0].paragraphs[0], 80))}</p></div>\n"
            if top
            else ""
        )
        blocks = "".join(
            f'<div class="index_box"><div class="title"><a href="{self.section_path(s)}">{self.sections[s]}</a></div><ul>'
            + "".join(
                f'<li><a href="{site.href(a)}" target="_blank">{esc(a.title)}</a></li>'
                for a in [x for x in site.articles if x.section == s][:4]
            )
            + "</ul></div>\n"
            for s in site.sections()
        )
        return (
            self._head(
                "人民网_网上的人民日报",
                '<meta name="description" content="人民网，是世界十大报纸之一《人民日报》建设的以新闻为主的大型网上信息交互平台。" />\n',
            )
            + self._top()
            + f'<div class="w1200 clearfix">\n{lead}{blocks}'
            + '<a href="/GB/59476/index.html">更多滚动新闻</a></div>\n'
            + self._foot(site)
        )

    def _simple(self, site: Site, title: str, inner: str) -> str:
        return self._head(f"{title}--{SITE}") + self._top() + inner + self._foot(site)

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        return {
            "/about/index.html": (
                self._simple(
                    site,
                    "关于人民网",
                    '<div class="w1200"><p>人民网创办于1997年1月1日。</p></div>\n',
                ),
                "other",
            ),
            "/bbs/login.html": (
                self._simple(
                    site,
                    "登录",
                    '<form action="/bbs/login.php" method="post"><input name="u"><button>登录</button></form>\n',
                ),
                "disallowed",
            ),
        }

    def robots_txt(self, site: Site) -> str:
        return "User-agent: *\nDisallow: /bbs/\nDisallow: /GB/50142/liuyan.html\n"

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/img/2020wbc/imgs/logo.png": (assets.png(), "image/png"),
            "/img/2020wbc/imgs/default.png": (assets.png(), "image/png"),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        related = [a.title for a in site.pick(art, 5, "xgxw")]
        recommend = [
            x for a in self.recommend(site, art) for x in (a.title, teaser(a.paragraphs[0], 56))
        ]
        optional = [x for x in (self.subtitle(art), self.pretitle(art)) if x]
        if art.image:
            optional.append(self.caption_line(art))
        return (
            "当前位置",
            "人民网首页",
            "手机人民网",
            self.reporter_line(art),
            stamp(art),
            self.source_line(art),
            self.editor(art),
            "责编",
            "分享到",
            SHARE_HINT,
            "人民微博",
            "相关新闻",
            "推荐阅读",
            "人民网版权所有",
            ICP,
            REPORT,
            *optional,
            *related,
            *recommend,
        )
