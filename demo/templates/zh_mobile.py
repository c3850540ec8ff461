"""Template A: a Chinese mobile news site modelled on the seed page ("标题_最新资讯").

Traits a cleaner must cope with: GBK bytes whose charset is declared only in a meta tag
(`<meta charset=gbk>` or `http-equiv ... gb2312`) and not in the HTTP header; a mobile
header line (分享好友 ...); the byline "文/作者" as the last paragraph of the body; and a
"最新文章" teaser list of titles and cut-off first sentences right after the body.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, esc, stable_number, teaser, when

HEADER_WORDS = ("分享好友", "最新资讯首页", "最新资讯分类", "切换频道")
TEASER_LEN = 46

OUTSIDE_TEASERS = (
    (
        "“五一”假期北京推出十条小众旅游线路_腾讯新闻",
        "北京商报讯(记者 吴其芸)4月24日,在2025年北京市“五一”假期文化和旅游系列活动新闻发布会上,北京市文化和旅游局党组成员、",
        "https://new.example-partner.com/rain/a/20250424A01XYZ00",
    ),
    (
        "跨境旅游不断衍生新场景 反复爱上中国就这么简单",
        "继本月8日起,离境退税“即买即退”服务在全国推行后,4月27日,离境退税政策再次优化。老外中国购正在日益方便。27日,国家税务",
        "https://www.example-partner.com/news/2025/0428/7781.html",
    ),
    (
        "2025片单",
        "《综艺》杂志整理了一份备受期待的2025大片名单,从揭开帷幕的漫威新宇宙到侏罗纪世界新三部曲,从托马斯·安德森新片到卡梅隆新",
        "https://ent.example-partner.com/movie/2025-films.shtml",
    ),
    (
        "中彩票头奖成亿万富翁!爱尔兰一男子猜中7个号码赢得2.5亿欧元大奖",
        "当地时间6月17日,“欧洲百万彩”彩票开奖,创造了一位亿万富翁,爱尔兰的一名男子获得了史无前例的2.5亿欧元大奖(约合20亿元人",
        "https://world.example-partner.com/a/20250618/lottery.html",
    ),
)
FOOTER = "© 2025 最新资讯 版权所有 沪ICP备2023001234号-2"


class ZhMobile(Template):
    """Mobile portal "最新资讯": p-paragraph body, byline at the end, teaser list after."""

    name: ClassVar[str] = "zh_mobile"
    language: ClassVar[str] = "zh"
    site_name: ClassVar[str] = "最新资讯"
    sections: ClassVar[dict[str, str]] = {
        "local": "本地",
        "economy": "财经",
        "tech": "科技",
        "sports": "体育",
        "culture": "文化",
    }
    encoding: ClassVar[str] = "gbk"
    content_type: ClassVar[str] = "text/html"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        return f"/a/{when(art):%Y%m%d}/{3000 + art.id}.html"

    def section_path(self, section: str, page: int = 1) -> str:
        return f"/c/{section}/" if page == 1 else f"/c/{section}/index_{page}.html"

    def latest_path(self, page: int = 1) -> str:
        return "/new/" if page == 1 else f"/new/index_{page}.html"

    def tag_path(self, tag: str) -> str:
        return f"/tag/{quote(tag)}/"

    def author_path(self, author: str) -> str:
        return f"/author/{stable_number(author, 100, 999)}.html"

    # -- page parts -------------------------------------------------------------------
    def _head(self, title: str, meta_charset: bool, extra: str = "") -> str:
        charset = (
            '<meta charset="gbk">'
            if meta_charset
            else '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        )
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{charset}\n"
            '<meta name="viewport" content="width=device-width,initial-scale=1.0,'
            'maximum-scale=1.0,user-scalable=no">\n'
            f"<title>{esc(title)}</title>\n{extra}"
            '<link rel="stylesheet" href="/static/css/m.css?v=20250101">\n'
            '<script src="https://hm.example-stats.com/hm.js?3f6a9c"></script>\n'
            "</head>\n<body>\n"
        )

    def _top(self) -> str:
        share, home, cats, switch = HEADER_WORDS
        chans = "".join(
            f'<a href="{self.section_path(s)}">{n}</a>' for s, n in self.sections.items()
        )
        return (
            '<div class="m-top" id="top">\n'
            f'<a href="javascript:;" class="share-btn" onclick="showShare()">{share}</a>\n'
            f'<a href="/" class="go-home">{home}</a>\n'
            f'<a href="/c/" class="go-cate">{cats}</a>\n'
            f'<a href="javascript:;" class="switch" onclick="toggleNav()">{switch}</a>\n'
            "</div>\n"
            f'<div class="nav-pop" id="navPop" style="display:none">{chans}'
            '<a href="/new/">最新</a></div>\n'
            '<div class="share-pop" id="sharePop" style="display:none">'
            '<a href="http://service.weibo.com/share/share.php?appkey=zxzx">微博</a>'
            '<a href="https://connect.qq.com/widget/shareqq/index.html">QQ</a></div>\n'
        )

    def _foot(self, site: Site) -> str:
        friends = "".join(f'<a href="{esc(u)}">{esc(lbl)}</a> ' for lbl, u in site.partner_links)
        return (
            '<div class="m-foot">\n<p><a href="#top">返回顶部</a> | '
            '<a href="https://www.zuixinzixun-example.com/">电脑版</a> | '
            '<a href="/about.html">关于我们</a> | <a href="/download/zxzx.apk">下载APP</a> | '
            '<a href="/member/login.html">登录</a></p>\n'
            f'<p class="friend">{friends}</p>\n<p class="copy">{FOOTER}</p>\n</div>\n'
            "<script>var _hmt=_hmt||[];</script>\n</body>\n</html>\n"
        )

    def _body(self, art: Article) -> str:
        parts = []
        if art.image:
            parts.append(
                f'<p style="text-align:center"><img src="{art.image.path}" '
                f'alt="{esc(art.title)}" width="100%"></p>'
            )
        for line in art.body:
            if line.startswith(SUBHEADING_PREFIX):
                parts.append(f"<p><strong>{esc(line[len(SUBHEADING_PREFIX) :])}</strong></p>")
            else:
                parts.append(f"<p>{esc(line)}</p>")
        parts.append(f"<p>{esc(self.byline(art))}</p>")
        return "\n".join(parts)

    def byline(self, art: Article) -> str:
        """The "文/作者" line that closes the body."""
        return "文/" + "、".join(art.authors)

    def teasers(self, site: Site, art: Article) -> list[tuple[str, str, str]]:
        """(title, cut first sentence, href) of the 最新文章 list: own stories + outside ones."""
        own = [
            (a.title, teaser(a.paragraphs[0], TEASER_LEN), site.href(a))
            for a in site.latest(7, exclude=art)
        ]
        outside = list(OUTSIDE_TEASERS[(art.id + 1) % 2 :: 2])
        return own[:3] + outside[:1] + own[3:] + outside[1:]

    def _teaser_list(self, items: list[tuple[str, str, str]]) -> str:
        lis = "".join(
            f'<li><a href="{esc(href)}"><h3>{esc(t)}</h3><p>{esc(s)}</p></a></li>\n'
            for t, s, href in items
        )
        return f'<div class="mod_3">\n<div class="tit"><span>最新文章</span></div>\n<ul class="list">\n{lis}</ul>\n</div>\n'

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        desc = teaser(art.paragraphs[0], 80)
        meta = (
            f'<meta name="keywords" content="{esc(",".join(art.tags))}">\n'
            f'<meta name="description" content="{esc(desc)}">\n'
        )
        head = self._head(f"{art.title}_{self.site_name}", art.id % 2 == 0, meta)
        return (
            head
            + self._top()
            + '<div class="c-12">\n'
            + f'<h1 class="t1">{esc(art.title)}</h1>\n'
            + f'<div class="info"><span class="time">{when(art):%Y-%m-%d %H:%M}</span></div>\n'
            + f'<div class="con" id="content">\n{self._body(art)}\n</div>\n</div>\n'
            + self._teaser_list(self.teasers(site, art))
            + self._foot(site)
        )

    def _list_items(self, site: Site, items: tuple[Article, ...] | list[Article]) -> str:
        return "".join(
            f'<li><a href="{site.href(a)}"><div class="t">{esc(a.title)}</div>'
            f'<div class="d">{esc(teaser(a.paragraphs[0], 30))}</div></a>'
            f'<span class="src"><a href="{self.author_path(a.authors[0])}">{esc(a.authors[0])}</a>'
            f" {when(a):%m-%d}</span></li>\n"
            for a in items
        )

    def _pager(self, listing: Listing) -> str:
        if listing.total_pages < 2:
            return ""
        links = []
        if listing.page > 1:
            links.append(f'<a href="{listing.page_paths[listing.page - 2]}">上一页</a>')
        if listing.page < listing.total_pages:
            links.append(f'<a href="{listing.page_paths[listing.page]}">下一页</a>')
        return f'<div class="pages">{" ".join(links)} <span>{listing.page}/{listing.total_pages}</span></div>\n'

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = listing.heading or "最新"
        title = heading if listing.page == 1 else f"{heading}_第{listing.page}页"
        return (
            self._head(f"{title}_{self.site_name}", True)
            + self._top()
            + f'<div class="chan-hd"><h2>{esc(heading)}</h2></div>\n'
            + f'<ul class="news-list">\n{self._list_items(site, listing.items)}</ul>\n'
            + self._pager(listing)
            + self._foot(site)
        )

    def render_home(self, site: Site) -> str:
        top = site.latest(3)
        slides = "".join(
            f'<div class="slide"><a href="{site.href(a)}"><img src="{a.image.path if a.image else "/static/img/default.png"}">'
            f"<span>{esc(a.title)}</span></a></div>"
            for a in top
        )
        blocks = "".join(
            f'<div class="mod_2"><div class="tit">{self.sections[s]}'
            f'<a href="{self.section_path(s)}" class="more">更多&gt;&gt;</a></div><ul>'
            + "".join(
                f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>'
                for a in [x for x in site.articles if x.section == s][:3]
            )
            + "</ul></div>\n"
            for s in site.sections()
        )
        return (
            self._head(
                f"{self.site_name}_手机版",
                True,
                '<meta name="keywords" content="最新资讯,新闻,热点">\n',
            )
            + self._top()
            + f'<div class="slider">{slides}</div>\n'
            + f'<ul class="news-list">\n{self._list_items(site, site.latest(10))}</ul>\n'
            + '<div class="more-news"><a href="/new/">查看更多最新资讯</a></div>\n'
            + blocks
            + self._foot(site)
        )

    def _simple(self, site: Site, title: str, inner: str) -> str:
        return (
            self._head(f"{title}_{self.site_name}", True) + self._top() + inner + self._foot(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        cats = "".join(
            f'<li><a href="{self.section_path(s)}">{self.sections[s]}</a></li>'
            for s in site.sections()
        )
        return {
            "/c/": (
                self._simple(site, "最新资讯分类", f'<ul class="cate-list">{cats}</ul>\n'),
                "listing",
            ),
            "/about.html": (
                self._simple(
                    site,
                    "关于我们",
                    '<div class="about"><p>最新资讯是一家综合资讯平台。</p>'
                    "<p>联系邮箱:service@zuixinzixun-example.com</p></div>\n",
                ),
                "other",
            ),
            "/member/login.html": (
                self._simple(
                    site,
                    "会员登录",
                    '<form action="/member/login.php" method="post">'
                    '<input name="u"><input name="p" type="password"><button>登录</button></form>\n',
                ),
                "disallowed",
            ),
        }

    def robots_txt(self, site: Site) -> str:
        return "User-agent: *\nDisallow: /member/\nDisallow: /e/search/\n"

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/static/img/default.png": (assets.png(), "image/png"),
            "/download/zxzx.apk": (
                b"PK\x03\x04" + b"\x00" * 60,
                "application/vnd.android.package-archive",
            ),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        teased = [s for t, snip, _ in self.teasers(site, art) for s in (t, snip)]
        return (
            *HEADER_WORDS,
            "最新文章",
            self.byline(art),
            "返回顶部",
            "沪ICP备2023001234号",
            *teased,
        )
