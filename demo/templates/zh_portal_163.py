"""Held-out template: a commercial Chinese portal article (网易/新浪 style, "标题_网易新闻").

Traits: GB18030 bytes declared only in `<meta charset>` (no charset in the HTTP header)
behind a comment block, an emoji in the chrome that plain GBK cannot encode; opaque
/article/JN7F2Q4C0001899O.html URLs; "网易首页 > 新闻中心 > 国内 > 正文" crumb; an info
line "2025-01-24 08:32:17　来源: 钱塘晚报" with seconds; body in <div class="post_body"> of
<p>, image + caption in one centered <p>; the "本文来源：X 作者：A B" / "责任编辑：杨佳佳_NB14193"
block at the end *inside* post_body; "跟贴 123 参与 4567" bars, hot comments, "返回网易首页
下载网易新闻客户端", 相关推荐, 热点排行 and 网易热搜 sidebars; keyword pages with hex URLs.
"""

from __future__ import annotations

import zlib
from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, esc, stable_number, teaser, when

SITE = "网易新闻"
HOME = "https://www.163-example.com/"
DIRS = {
    "local": "domestic",
    "economy": "money",
    "tech": "tech",
    "sports": "sports",
    "culture": "ent",
}
CHANNEL = {
    "local": "0001899O",
    "economy": "00259DLP",
    "tech": "00097U7R",
    "sports": "00058781",
    "culture": "00038FO9",
}
EDITORS = ("杨佳佳_NB14193", "王晓雪_NN8806", "李鹏飞_NBJ11286", "徐昊_NF5619")
COMMENTERS = (
    "网易浙江省杭州市手机网友",
    "巴黎的铁塔ing [网易江苏省南京市网友]",
    "有态度网友06rX3E [网易广东省深圳市网友]",
    "网易上海市网友",
    "老张不慌 [网易四川省成都市网友]",
)
COMMENTS = (
    "这种实事多来点，点赞！",
    "希望能一直坚持下去，别是一阵风。",
    "我们这边什么时候也能搞一个？",
    "说得挺好，关键看落实。",
    "已经去体验过了，确实方便很多。",
)
BACK = "返回网易首页"
APP = "下载网易新闻客户端"
HOT = "热点排行"
SEARCH_HOT = "\U0001f525网易热搜"
NOTICE = "特别声明：以上内容(如有图片或视频亦包括在内)为网易新闻用户上传并发布，本平台仅提供信息存储服务。"
COPY = "网易公司版权所有 ©1997-2025"


def _code(art: Article) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
    n = zlib.crc32(f"163:{art.id}".encode())
    body = "".join(alphabet[(n >> (5 * i)) & 31] for i in range(6))
    return f"J{'MNOP'[art.id % 4]}{body}{CHANNEL[art.section]}"


def seconds(local: str) -> int:
    """The page shows seconds the corpus does not have: a stable pseudo-random value."""
    return zlib.crc32(local.encode()) % 60


class ZhPortal163(Template):
    """Commercial portal "网易新闻": post_body, 本文来源/责任编辑 block, 跟贴 bars."""

    name: ClassVar[str] = "zh_portal_163"
    language: ClassVar[str] = "zh"
    site_name: ClassVar[str] = SITE
    sections: ClassVar[dict[str, str]] = {
        "local": "国内",
        "economy": "财经",
        "tech": "科技",
        "sports": "体育",
        "culture": "娱乐",
    }
    encoding: ClassVar[str] = "gb18030"
    content_type: ClassVar[str] = "text/html"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        return f"/article/{_code(art)}.html"

    def section_path(self, section: str, page: int = 1) -> str:
        return f"/{DIRS[section]}/" if page == 1 else f"/{DIRS[section]}/index_{page:02d}.html"

    def latest_path(self, page: int = 1) -> str:
        return (
            "/special/0001220O/news_roll.html"
            if page == 1
            else f"/special/0001220O/news_roll_{page:02d}.html"
        )

    def tag_path(self, tag: str) -> str:
        h = tag.encode("utf-16-be").hex()
        return f"/keywords/{h[0]}/{h[1]}/{h}/1.html"

    def author_path(self, author: str) -> str:
        return f"/dy/media/T{stable_number(author, 1000000000, 1999999999)}.html"

    def published_iso(self, local: str) -> str:
        return f"{local}:{seconds(local):02d}+08:00"

    # -- text pieces --------------------------------------------------------------------
    def stamp(self, art: Article) -> str:
        return f"{when(art):%Y-%m-%d %H:%M}:{seconds(art.published):02d}"

    def source_line(self, art: Article) -> str:
        sep = " " if art.id % 2 else "、"
        return f"本文来源：{art.source or SITE} 作者：{sep.join(art.authors)}"

    def editor(self, art: Article) -> str:
        return f"责任编辑：{EDITORS[art.id % len(EDITORS)]}"

    def tie(self, art: Article) -> tuple[int, int]:
        n = stable_number(f"tie{art.id}", 12, 3000)
        return n, n * 7 + stable_number(f"join{art.id}", 100, 9000)

    def tie_line(self, art: Article) -> str:
        n, m = self.tie(art)
        return f"跟贴 {n} 参与 {m}"

    def comments(self, site: Site, art: Article) -> list[tuple[str, str]]:
        rng = site.rng(f"tie:{art.id}")
        count = rng.randint(2, 3)
        return [(rng.choice(COMMENTERS), rng.choice(COMMENTS)) for _ in range(count)]

    # -- page parts -------------------------------------------------------------------
    def _head(self, title: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE HTML>\n<!--[if IE 6 ]> <html id="ne_wrap" class="ne_ua_ie6 ne_ua_ielte8"> <![endif]-->\n'
            '<!--[if (gte IE 9)|!(IE)]><!--> <html id="ne_wrap"> <!--<![endif]-->\n<head>\n'
            "<!-- 163.com article template v2025 | ne_article_default -->\n"
            '<meta charset="gb18030">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{esc(title)}</title>\n{extra}"
            '<link rel="stylesheet" href="https://static.ws.126-example.net/163/f2e/post_nodejs/static/css/main.css">\n'
            "</head>\n<body>\n"
        )

    def _nav(self) -> str:
        chans = "".join(
            f'<li><a href="{self.section_path(s)}">{n}</a></li>' for s, n in self.sections.items()
        )
        return (
            '<div class="ntes_nav_wrap" id="js_N_NTES_wrap"><div class="ntes-nav">'
            f'<a class="ntes-nav-index-title" href="{HOME}">网易首页</a>'
            '<a href="https://mail.163-example.com/">免费邮箱</a>'
            '<a href="https://open.163-example.com/">网易公开课</a>'
            '<a href="https://www.163-example.com/newsapp/">应用</a>'
            '<a href="/special/jubao/">登录</a></div></div>\n'
            '<div class="N-nav-channel"><a class="N-nav-logo" href="/"><img src="/static/img/netease_logo.png" alt="网易新闻"></a>'
            f'<ul class="N-nav-channel-list"><li><a href="/">新闻</a></li>{chans}'
            '<li><a href="/special/0001220O/news_roll.html">滚动</a></li></ul></div>\n'
        )

    def _sidebar(self, site: Site, art: Article | None) -> str:
        hot = site.pick(art, 6, "rank") if art else site.latest(6)
        lis = "".join(
            f'<li><em>{i}</em><a href="{site.href(a)}">{esc(a.title)}</a></li>'
            for i, a in enumerate(hot, 1)
        )
        words = "".join(
            f'<li><a href="https://www.163-example.com/search?keyword={w}">{w}</a></li>'
            for w in ("春运首日", "寒潮预警", "春节档")
        )
        return (
            '<div class="post_side">\n'
            f'<div class="post_side_mod"><h4>{HOT}</h4><ul class="post_side_rank">{lis}</ul></div>\n'
            f'<div class="post_side_mod"><h4>{SEARCH_HOT}</h4><ul>{words}</ul></div>\n'
            '<div class="post_side_ad"><a href="https://g.163-example.com/a?CID=1"><img src="/static/img/ad_300x250.png"></a></div>\n'
            "</div>\n"
        )

    def _foot(self, site: Site) -> str:
        friends = " ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            '<div class="N-footer"><div class="N-footer-links">'
            '<a href="https://corp.163-example.com/eng/about/overview.html">About NetEase</a> | '
            '<a href="https://gb.corp.163-example.com/gb/about/overview.html">公司简介</a> | 联系方法 | '
            '<a href="https://hr.163-example.com/">招聘信息</a> | 客户服务 | 隐私政策 | 广告服务 | '
            '网站地图 | <a href="/special/jubao/">不良信息举报</a></div>\n'
            f'<div class="N-footer-friends">{friends}</div>\n'
            f"<p>{COPY} 粤B2-20090191 粤ICP备10005430号-12</p>\n</div>\n"
            '<script src="https://analytics.163-example.com/ntes.js"></script>\n</body>\n</html>\n'
        )

    def _body(self, art: Article) -> str:
        out = []
        for i, line in enumerate(art.body):
            if line.startswith(SUBHEADING_PREFIX):
                out.append(f"<p><b>{esc(line[len(SUBHEADING_PREFIX) :])}</b></p>")
            else:
                out.append(f'<p id="{_code(art)[:4]}{i:02d}">{esc(line)}</p>')
            if i == 1 and art.image:
                out.append(
                    f'<p class="f_center"><img src="{art.image.path}" alt="{esc(art.image.caption)}" '
                    f'style="margin: 0px auto; display: block;"><br/>{esc(art.image.caption)}</p>'
                )
        out.append(
            f'<div class="post_author"><a href="{HOME}"><img src="/static/img/netease_logo.png" '
            f'alt="{esc(art.authors[0])}" width="13" height="12" class="icon"></a>\n'
            f"{esc(self.source_line(art))}<br/>\n{esc(self.editor(art))}\n</div>"
        )
        return "\n".join(out)

    def _tie_bar(self, art: Article) -> str:
        n, m = self.tie(art)
        return (
            f'<div class="post_tie_top"><a href="https://comment.tie.163-example.com/{_code(art)}.html">'
            f"跟贴 <span>{n}</span></a> 参与 <span>{m}</span></div>\n"
        )

    def _comment_box(self, site: Site, art: Article) -> str:
        items = "".join(
            f'<div class="tie-item"><div class="tie-user">{esc(u)}</div><p class="tie-cnt">{esc(c)}</p>'
            f'<div class="tie-op"><a href="javascript:;">顶</a> <a href="javascript:;">踩</a> '
            '<a href="javascript:;">回复</a></div></div>\n'
            for u, c in self.comments(site, art)
        )
        return (
            '<div class="tie-area" id="tieArea">\n'
            f'<div class="tie-titlebar"><span class="tie-title">网友评论</span>{self._tie_bar(art)}</div>\n'
            '<div class="tie-input"><span class="tie-tip">文明上网，登录发贴</span><textarea></textarea><button>马上发贴</button></div>\n'
            f'<div class="tie-hot"><h4>热门跟贴</h4>\n{items}</div>\n'
            f'<a class="tie-more" href="https://comment.tie.163-example.com/{_code(art)}.html">查看全部跟贴</a></div>\n'
        )

    def _related(self, site: Site, art: Article) -> str:
        lis = "".join(
            f'<li><a href="{site.href(a)}">{esc(a.title)}</a><span class="tie-count">{self.tie(a)[0]}跟贴</span></li>'
            for a in site.pick(art, 4, "related")
        )
        return f'<div class="post_recommends"><h3>相关推荐</h3><ul>{lis}</ul></div>\n'

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        sec = self.sections[art.section]
        meta = (
            f'<meta name="keywords" content="{esc(",".join(art.tags))}">\n'
            f'<meta name="description" content="{esc(teaser(art.paragraphs[0], 110))}">\n'
            f'<meta property="og:title" content="{esc(art.title)}">\n'
            f'<meta property="og:url" content="{site.url(self.article_path(art))}">\n'
        )
        return (
            self._head(f"{art.title}_{SITE}", meta)
            + self._nav()
            + '<div class="container clearfix">\n<div class="post_main">\n'
            + f'<div class="post_crumb"><a href="{HOME}">网易首页</a> &gt; <a href="/">新闻中心</a> &gt; '
            + f'<a href="{self.section_path(art.section)}">{sec}新闻</a> &gt; 正文</div>\n'
            + f'<h1 class="post_title">{esc(art.title)}</h1>\n'
            + f'<div class="post_info">{self.stamp(art)}\u3000来源: <a href="javascript:;">{esc(art.source or SITE)}</a>'
            + ' <a class="post_jubao" href="/special/jubao/">举报</a></div>\n'
            + self._tie_bar(art)
            + f'<div class="post_content" id="content">\n<div class="post_body">\n{self._body(art)}\n</div>\n'
            + f'<div class="post_statement">{NOTICE}</div>\n</div>\n'
            + f'<div class="post_back"><a href="{HOME}">{BACK}</a> '
            + f'<a href="https://www.163-example.com/newsapp/">{APP}</a></div>\n'
            + self._comment_box(site, art)
            + self._related(site, art)
            + "</div>\n"
            + self._sidebar(site, art)
            + "</div>\n"
            + self._foot(site)
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {
            "latest": "滚动新闻",
            "tag": f"{listing.heading}_相关新闻",
            "author": f"{listing.heading}的文章",
            "section": f"{listing.heading}新闻",
        }.get(listing.kind, listing.heading)
        lis = "".join(
            f'<li class="news_item"><h3><a href="{site.href(a)}">{esc(a.title)}</a></h3>'
            f"<p>{esc(teaser(a.paragraphs[0], 40))}</p>"
            f'<span class="time">{when(a):%m-%d %H:%M}</span> <span class="tie">{self.tie(a)[0]}跟贴</span></li>\n'
            for a in listing.items
        )
        pager = ""
        if listing.total_pages > 1:
            parts = []
            if listing.page > 1:
                parts.append(f'<a href="{listing.page_paths[listing.page - 2]}">上一页</a>')
            parts += [
                f"<span>{n}</span>" if n == listing.page else f'<a href="{p}">{n}</a>'
                for n, p in enumerate(listing.page_paths, 1)
            ]
            if listing.page < listing.total_pages:
                parts.append(f'<a href="{listing.page_paths[listing.page]}">下一页</a>')
            pager = f'<div class="list_page">{" ".join(parts)}</div>\n'
        return (
            self._head(f"{heading}_{SITE}")
            + self._nav()
            + '<div class="container clearfix"><div class="post_main">\n'
            + f'<div class="post_crumb"><a href="{HOME}">网易首页</a> &gt; <a href="/">新闻中心</a> &gt; {esc(heading)}</div>\n'
            + f'<ul class="news_list">\n{lis}</ul>\n{pager}</div>\n'
            + self._sidebar(site, None)
            + "</div>\n"
            + self._foot(site)
        )

    def render_home(self, site: Site) -> str:
        blocks = "".join(
            f'<div class="mod_news"><h2><a href="{self.section_path(s)}">{self.sections[s]}</a></h2><ul>'
            + "".join(
                f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>'
                for a in [x for x in site.articles if x.section == s][:4]
            )
            + "</ul></div>\n"
            for s in site.sections()
        )
        top = "".join(
            f'<li class="top_news"><a href="{site.href(a)}">{esc(a.title)}</a></li>'
            for a in site.latest(3)
        )
        return (
            self._head(f"{SITE}_有态度的新闻门户")
            + self._nav()
            + f'<div class="container clearfix"><div class="post_main"><ul class="top_news_list">{top}</ul>\n{blocks}</div>\n'
            + self._sidebar(site, None)
            + "</div>\n"
            + self._foot(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        return {
            "/special/jubao/": (
                self._head(f"举报中心_{SITE}")
                + self._nav()
                + '<form action="/special/jubao/submit" method="post"><textarea name="c"></textarea></form>\n'
                + self._foot(site),
                "disallowed",
            ),
            "/special/sitemap/": (
                self._head(f"网站地图_{SITE}")
                + self._nav()
                + '<div class="sitemap"><a href="/">新闻</a></div>\n'
                + self._foot(site),
                "other",
            ),
        }

    def robots_txt(self, site: Site) -> str:
        return "User-agent: *\nDisallow: /special/jubao/\nDisallow: /api/\n"

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/static/img/netease_logo.png": (assets.png(), "image/png"),
            "/static/img/ad_300x250.png": (assets.png(300, 250), "image/png"),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        titles = [a.title for a in (*site.pick(art, 6, "rank"), *site.pick(art, 4, "related"))]
        remarks = [x for pair in self.comments(site, art) for x in pair]
        caption = [art.image.caption] if art.image else []
        return (
            "网易首页",
            "新闻中心",
            self.stamp(art),
            self.source_line(art),
            self.editor(art),
            "责任编辑",
            self.tie_line(art),
            NOTICE,
            BACK,
            APP,
            "网友评论",
            "文明上网",
            "热门跟贴",
            "相关推荐",
            HOT,
            SEARCH_HOT,
            COPY,
            *caption,
            *remarks,
            *titles,
        )
