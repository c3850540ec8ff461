"""Template B: an old-style Chinese provincial news portal (" - 江南新闻网").

Traits: fixed-width div soup with ids like "c-12"/"mod_3"; the body is ONE div of text
separated by `<br>` (no `<p>`), indented with full-width spaces; reporter lines such as
"记者 张三 通讯员 李四" or "本报讯（记者 张三）" and a closing "(完)"; an info line with date,
来源 and 作者; share bar, 【责任编辑:...】, 相关新闻, 上一篇/下一篇, 热点排行 and an ICP footer.
"""

from __future__ import annotations

from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, esc, stable_number, when

SITE = "江南新闻网"
DIRS = {
    "local": "society",
    "economy": "finance",
    "tech": "tech",
    "sports": "sports",
    "culture": "culture",
}
NODES = {"local": 12, "economy": 13, "tech": 14, "sports": 15, "culture": 16}
EDITORS = ("王二", "李晓楠", "陈默", "周婷婷")
SHARE = "分享到: 微信 新浪微博 QQ空间"
ICP = "京ICP备12345678号"
INDENT = "\u3000\u3000"


def ymd(art: Article) -> str:
    """Chinese date-time as in the info line: 2025年1月24日 12:12."""
    d = when(art)
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


class ZhClassic(Template):
    """Old portal "江南新闻网": br-separated body, heavy sidebar and footer chrome."""

    name: ClassVar[str] = "zh_classic"
    language: ClassVar[str] = "zh"
    site_name: ClassVar[str] = SITE
    sections: ClassVar[dict[str, str]] = {
        "local": "社会",
        "economy": "财经",
        "tech": "科技",
        "sports": "体育",
        "culture": "文化",
    }

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        d = when(art)
        return f"/news/{DIRS[art.section]}/{d:%Y-%m}/{d:%d}/content_{52000 + art.id}.htm"

    def section_path(self, section: str, page: int = 1) -> str:
        suffix = "" if page == 1 else f"_{page}"
        return f"/news/{DIRS[section]}/node_{NODES[section]}{suffix}.htm"

    def latest_path(self, page: int = 1) -> str:
        return "/news/node_11.htm" if page == 1 else f"/news/node_11_{page}.htm"

    def tag_path(self, tag: str) -> str:
        return f"/tags/{tag}.htm"

    def author_path(self, author: str) -> str:
        return f"/author/{stable_number(author, 1000, 9999)}.htm"

    # -- reporter lines ---------------------------------------------------------------
    def reporter_style(self, art: Article) -> int:
        """0: own "记者 A 通讯员 B" line + own "(完)" line; 1: "本报讯（记者 A）" glued to
        the first paragraph and "(完)" glued to the last; 2: neither."""
        return art.id % 3

    def reporter_line(self, art: Article) -> str:
        line = f"记者 {art.authors[0]}"
        if len(art.authors) > 1:
            line += " 通讯员 " + " ".join(art.authors[1:])
        return line

    def _body(self, art: Article) -> str:
        lines = []
        for line in art.body:
            if line.startswith(SUBHEADING_PREFIX):
                lines.append(f"<strong>{esc(line[len(SUBHEADING_PREFIX) :])}</strong>")
            else:
                lines.append(INDENT + esc(line))
        style = self.reporter_style(art)
        if style == 0:
            lines.insert(0, INDENT + esc(self.reporter_line(art)))
            lines.append(INDENT + "(完)")
        elif style == 1:
            lines[0] = (
                INDENT + f"本报讯（记者 {esc('、'.join(art.authors))}）" + lines[0][len(INDENT) :]
            )
            lines[-1] += "(完)"
        if art.image:
            lines.insert(
                1,
                f'<center><img src="{art.image.path}" border="0" alt=""></center>'
                f'<center><font color="#666666">{esc(art.image.caption)}</font></center>',
            )
        return "<br>\n<br>\n".join(lines) + "<br>\n"

    def editor(self, art: Article) -> str:
        return f"【责任编辑:{EDITORS[art.id % len(EDITORS)]}】"

    # -- page parts -------------------------------------------------------------------
    def _head(self, title: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{esc(title)}</title>\n{extra}"
            '<link href="/css/global.css" rel="stylesheet" type="text/css" />\n'
            "</head>\n<body>\n"
        )

    def _top(self) -> str:
        chans = " | ".join(
            f'<a href="{self.section_path(s)}">{n}</a>' for s, n in self.sections.items()
        )
        return (
            '<div class="topbar w1000">欢迎访问江南新闻网 | <a href="javascript:;">设为首页</a> | '
            '<a href="javascript:;">加入收藏</a> | <a href="https://m.jiangnan-news.example.cn/">手机版</a> | '
            '<a href="http://weibo.com/jiangnannews">官方微博</a></div>\n'
            '<div id="logo" class="w1000"><a href="/"><img src="/images/logo.gif" alt="江南新闻网" /></a>'
            '<form action="/cgi-bin/search.cgi" method="get" class="sch"><input name="kw" />'
            '<input type="submit" value="搜索" /></form></div>\n'
            f'<div class="channel w1000" id="nav"><a href="/">首页</a> | {chans} | '
            '<a href="/news/node_11.htm">滚动</a> | <a href="http://v.jiangnan-tv.example.cn/">视频</a></div>\n'
        )

    def _rank(self, site: Site, art: Article | None) -> str:
        picks = site.pick(art, 6, "rank") if art else site.latest(6)
        lis = "".join(f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>' for a in picks)
        return (
            f'<div class="fr" id="mod_2" style="width:300px"><div class="mod_3"><h3>热点排行</h3><ol>{lis}</ol></div>\n'
            '<div class="mod_3"><h3>专题推荐</h3><a href="https://zt.example-partner.com/2025lianghui/">'
            "2025全国两会</a></div></div>\n"
        )

    def _foot(self, site: Site) -> str:
        friends = " ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            '<div class="clear"></div>\n<div class="flink w1000">友情链接：'
            '<a href="http://www.xinhuanet-example.cn/">新华网</a> '
            f'<a href="https://www.example-partner.com/">合作媒体</a> {friends}</div>\n'
            '<div id="footer" class="w1000"><a href="/about/index.htm">关于我们</a> | 联系我们 | '
            '<a href="/ad/kanli2025.pdf">广告服务</a> | 网站地图<br />\n'
            "Copyright © 2003-2025 江南新闻网 版权所有 未经授权禁止转载<br />\n"
            f'<a href="https://beian.miit.gov.cn/" target="_blank">{ICP}</a> 京公网安备 11010502000001号 '
            "违法和不良信息举报电话：010-12345678</div>\n</body>\n</html>\n"
        )

    def _related(self, site: Site, art: Article) -> str:
        lis = "".join(
            f'<li><a href="{site.href(a)}">{esc(a.title)}</a> <span>{when(a):%Y-%m-%d}</span></li>'
            for a in site.pick(art, 4, "related")
        )
        older, newer = site.neighbours(art)
        prev = f'<a href="{site.href(older)}">{esc(older.title)}</a>' if older else "没有了"
        nxt = f'<a href="{site.href(newer)}">{esc(newer.title)}</a>' if newer else "没有了"
        return (
            f'<div class="mod_3 xgxw"><h3>相关新闻</h3><ul>{lis}</ul></div>\n'
            f'<div class="sxp">上一篇：{prev}<br />下一篇：{nxt}</div>\n'
        )

    def _info(self, art: Article) -> str:
        authors = " ".join(f'<a href="{self.author_path(n)}">{esc(n)}</a>' for n in art.authors)
        return (
            f'<div class="info">{ymd(art)}\u3000来源：{esc(art.source or SITE)}\u3000作者：{authors}'
            '\u3000【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
            '<a href="javascript:;">小</a>】</div>\n'
        )

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        crumbs = (
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; '
            f'<a href="{self.section_path(art.section)}">{self.sections[art.section]}</a> &gt; 正文</div>\n'
        )
        tags = " ".join(f'<a href="{self.tag_path(t)}">{esc(t)}</a>' for t in art.tags)
        share = (
            '<div class="share">分享到: <a href="javascript:;" class="wx">微信</a> '
            '<a href="http://service.weibo.com/share/share.php?url=">新浪微博</a> '
            '<a href="https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey">QQ空间</a></div>\n'
        )
        return (
            self._head(
                f"{art.title} - {SITE}",
                f'<meta name="keywords" content="{esc(" ".join(art.tags))}" />\n',
            )
            + self._top()
            + '<div class="w1000 clearfix">\n<div class="fl" id="mod_1" style="width:680px">\n'
            + crumbs
            + f'<div class="tit"><h1 id="c-title">{esc(art.title)}</h1></div>\n'
            + self._info(art)
            + f'<div id="c-12" class="c-12">\n{self._body(art)}</div>\n'
            + f'<div class="keys">关键词：{tags}</div>\n'
            + share
            + f'<div class="editor" align="right">{self.editor(art)}</div>\n'
            + self._related(site, art)
            + "</div>\n"
            + self._rank(site, art)
            + "</div>\n"
            + self._foot(site)
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {
            "latest": "滚动新闻",
            "tag": f"标签：{listing.heading}",
            "author": f"作者：{listing.heading}",
        }.get(listing.kind, listing.heading)
        lis = "".join(
            f'<li><span class="date">{when(a):%Y-%m-%d %H:%M}</span><a href="{site.href(a)}" target="_blank">{esc(a.title)}</a></li>\n'
            for a in listing.items
        )
        pager = ""
        if listing.total_pages > 1:
            nums = " ".join(
                f"<b>{n}</b>" if n == listing.page else f'<a href="{p}">{n}</a>'
                for n, p in enumerate(listing.page_paths, 1)
            )
            nxt = (
                f' <a href="{listing.page_paths[listing.page]}">下一页</a>'
                if listing.page < listing.total_pages
                else ""
            )
            pager = f'<div id="displaypagenum">共{listing.total_pages}页 {nums}{nxt}</div>\n'
        return (
            self._head(f"{heading} - {SITE}")
            + self._top()
            + '<div class="w1000 clearfix"><div class="fl" id="mod_1" style="width:680px">\n'
            + f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; {esc(heading)}</div>\n'
            + f'<ul class="list_14">\n{lis}</ul>\n{pager}</div>\n'
            + self._rank(site, None)
            + "</div>\n"
            + self._foot(site)
        )

    def render_home(self, site: Site) -> str:
        top = site.latest(1)
        headline = (
            f'<div class="toutiao"><h2><a href="{site.href(top[0])}">{esc(top[0].title)}</a></h2></div>\n'
            if top
            else ""
        )
        blocks = "".join(
            f'<div class="mod_3 fl" style="width:330px"><h3><a href="{self.section_path(s)}">{self.sections[s]}</a>'
            '<span class="more"><a href="'
            + self.section_path(s)
            + '">更多</a></span></h3><ul>'
            + "".join(
                f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>'
                for a in [x for x in site.articles if x.section == s][:4]
            )
            + "</ul></div>\n"
            for s in site.sections()
        )
        return (
            self._head(
                f"{SITE}_江南地区重点新闻网站",
                '<meta name="description" content="江南新闻网是江南地区重点新闻网站。" />\n',
            )
            + self._top()
            + '<div class="w1000 clearfix"><div class="fl" style="width:680px">\n'
            + headline
            + blocks
            + "</div>\n"
            + self._rank(site, None)
            + "</div>\n"
            + self._foot(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        def simple(title: str, inner: str) -> str:
            return self._head(f"{title} - {SITE}") + self._top() + inner + self._foot(site)

        return {
            "/about/index.htm": (
                simple(
                    "关于我们",
                    '<div class="w1000">江南新闻网创办于2003年，是经批准的省级重点新闻网站。</div>\n',
                ),
                "other",
            ),
            "/cgi-bin/search.cgi": (
                simple("搜索结果", '<div class="w1000">请输入关键词</div>\n'),
                "disallowed",
            ),
        }

    def robots_txt(self, site: Site) -> str:
        return "User-agent: *\nDisallow: /cgi-bin/\nDisallow: /*.php$\n\nUser-agent: Baiduspider\nAllow: /\n"

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/images/logo.gif": (assets.GIF_1PX, "image/gif"),
            "/ad/kanli2025.pdf": (assets.pdf("Jiangnan News ad rates 2025"), "application/pdf"),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        older, newer = site.neighbours(art)
        titles = [a.title for a in (*site.pick(art, 4, "related"), *site.pick(art, 6, "rank"))]
        titles += [a.title for a in (older, newer) if a]
        lines = (
            ["本报讯", "(完)", "记者 " + art.authors[0]] if self.reporter_style(art) != 2 else []
        )
        return (
            "当前位置",
            "来源：",
            "字体：",
            SHARE,
            "新浪微博",
            "QQ空间",
            self.editor(art),
            "责任编辑",
            "相关新闻",
            "上一篇",
            "下一篇",
            "热点排行",
            ICP,
            "版权所有",
            "友情链接",
            *lines,
            *titles,
        )
