"""Chrome that portals share, as data: each rule with a one-line reason.

The functions in ``dom.py`` and ``lines.py`` apply these; nothing here is specific to one site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.cjk import cjk_regex


@dataclass(frozen=True)
class LineRule:
    """A whole text line that is chrome, not article text."""

    pattern: re.Pattern[str]
    reason: str
    # Lower-case strings one of which every line the pattern matches holds (empty: none
    # named). A rule that may start anywhere in its first characters (".{0,60}...") tries
    # each of them on every line; these plain substring tests rule most lines out first.
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldRule:
    """A line that is metadata: its capture group becomes ``field``, the line leaves the text."""

    pattern: re.Pattern[str]
    field: str
    reason: str


def _line(regex: str, reason: str, needs: tuple[str, ...] = ()) -> LineRule:
    return LineRule(re.compile(regex, re.I), reason, needs)


def _field(regex: str, field: str, reason: str) -> FieldRule:
    return FieldRule(cjk_regex(regex, re.I), field, reason)


# Reader comments are prose like the article: outside the main block their name is trusted.
COMMENT_REASON = "reader comments are never part of the article body"

# Class/id tokens of containers that usually hold chrome. Matched as whole tokens of the class
# or id split on - _ and spaces, so "share" hits "post-share-bar" but not "shareholder". A match
# is one weak signal: dom.py keeps a named container whose structure says it holds the
# article's text (an "editor" class on every paragraph, a "has-sidebar" section layout).
CHROME_TOKENS: dict[str, str] = {
    "share": "share bars list social networks, not text",
    "sharing": "share bars list social networks, not text",
    "social": "social follow/share widgets",
    "sns": "social network buttons on Asian portals",
    "bdshare": "Baidu share widget",
    "related": "related-stories lists belong to other articles",
    "recommend": "recommendation lists belong to other articles",
    "recommended": "recommendation lists belong to other articles",
    "breadcrumb": "breadcrumb trail is navigation",
    "breadcrumbs": "breadcrumb trail is navigation",
    "crumb": "breadcrumb trail is navigation",
    "copyright": "copyright notices are site chrome",
    "comment": COMMENT_REASON,
    "comments": COMMENT_REASON,
    "disqus": COMMENT_REASON,
    "newsletter": "newsletter sign-up boxes",
    "subscribe": "subscription prompts",
    "signup": "sign-up prompts",
    "cookie": "cookie banners",
    "cookies": "cookie banners",
    "consent": "cookie consent banners",
    "gdpr": "cookie consent banners",
    "advert": "advertisements",
    "advertisement": "advertisements",
    "ad": "advertisements",
    "ads": "advertisements",
    "adsbygoogle": "advertisements",
    "sponsor": "sponsored content",
    "sponsored": "sponsored content",
    "promo": "promotions",
    "popular": "most-popular lists belong to other articles",
    "trending": "trending lists belong to other articles",
    "hot": "hot-news rankings belong to other articles",
    "rank": "rankings belong to other articles",
    "ranking": "rankings belong to other articles",
    "sidebar": "sidebars hold site chrome",
    "aside": "asides hold site chrome",
    "footer": "footers are site chrome",
    "nav": "navigation",
    "navbar": "navigation",
    "menu": "navigation",
    "pagination": "pagination links",
    "pager": "pagination links",
    "prevnext": "previous/next article links",
    "toolbar": "tool bars",
    "tags": "tag lists become metadata, not text",
    "byline": "bylines become metadata",
    "editor": "editor lines become metadata",
    "caption": "image captions and credits are not body text",
    "credit": "image credits are not body text",
    "figcaption": "image captions and credits are not body text",
    "print": "print/email buttons",
    "login": "login prompts",
    "modal": "pop-ups",
    "popup": "pop-ups",
}

# Tail headings after which nothing is the article's (comments, the closing notices); after
# the others an in-body widget may end and the article read on.
FINAL_TAILS = frozenset(
    {
        "reader comments follow",
        "copyright and disclaimer notices close the article",
    }
)

# Elements that never hold article text.
CHROME_TAGS: dict[str, str] = {
    "nav": "navigation",
    "footer": "footer",
    "aside": "asides hold related links and ads",
    "form": "forms are search boxes and sign-ups",
    "button": "buttons are controls",
    "figcaption": "captions and credits are not body text",
    "iframe": "embedded widgets",
    "noscript": "fallback markup duplicates other content",
}

# A heading line that starts a trailing list of other stories: it and what follows is cut.
TAIL_HEADINGS: list[LineRule] = [
    _line(
        r"^[【\[]?\s*(相关阅读|相关新闻|相关文章|相关报道|延伸阅读|推荐阅读|猜你喜欢|最新文章|最新资讯|热点排行|热门文章|热门推荐|精彩推荐|更多新闻|今日推荐|图片新闻|排行榜)\s*[】\]]?\s*[:：]?$",
        "a list of other stories follows",
    ),
    _line(
        r"^(você (também )?pode gostar|veja também|leia também|te puede interesar|lee también|"
        r"lesen sie auch|das könnte sie auch interessieren|vous aimerez aussi|à lire aussi|"
        r"potrebbe interessarti|あわせて読みたい|関連記事|관련\s?기사)\b.{0,20}$",
        "a list of other stories follows (other languages)",
    ),
    _line(
        r"^(related (stories|articles|coverage|content|news)|read more|more (stories|from|on)|most (popular|read|viewed)|you (may|might) also like|recommended( for you)?|trending( now)?|(our )?latest (news|stories|articles)|top stories|editor'?s picks)\b.{0,40}$",
        "a list of other stories follows",
    ),
    _line(
        r"^(\d+\s+)?comments?\s*(\(\d+\))?$|^(leave|post|add) a (comment|reply)|^join the (conversation|discussion)",
        "reader comments follow",
    ),
    _line(
        r"^(\d+\s+)?(kommentare|leserkommentare|commentaires|comentarios|commenti|kommentarer|"
        r"komentáře|komentarze|comentários|댓글|コメント)\s*(\(\d+\))?\s*[:：]?$|"
        r"^(kommentar (abgeben|schreiben|verfassen)|laisser un commentaire|deja (un|tu) comentario|"
        r"lascia un commento|deixe (um|seu) comentário|skriv en kommentar|napište komentář|"
        r"dodaj komentarz)\b",
        "reader comments follow",
    ),
    _line(
        r"^.{0,12}(版权与免责声明|免责声明|版权声明|反侵权公告|侵权声明)\s*[:：]?$",
        "copyright and disclaimer notices close the article",
    ),
    _line(
        r"^(网友评论|评论\s*[(（]?\d*[)）]?|发表评论|我要评论|全部评论|热门评论|最新评论)\s*[:：]?$",
        "reader comments follow",
    ),
]

# A heading that introduces a few teaser links inside the body: it and the headline-like lines
# right after it go, the article goes on after them.
TEASER_HEADINGS: list[LineRule] = [
    _line(
        r"^(don'?t miss|see also|also read|more on this( story)?|related|recommended|"
        r"you may also like|more from \S+( \S+)?|tags|topics|标签|相关链接|相关阅读|延伸阅读|推荐阅读|"
        r"auch interessant|mehr zum thema|mehr dazu|ähnliche( artikel| themen)?|weiterführende links|"
        r"lire aussi|à lire aussi|sur le même sujet|leer más|lea también|leggi anche|les også|"
        r"czytaj (też|także|również|więcej)|čtěte také|související články|関連記事|관련\s?기사)\s*[:：]?$",
        "teaser links to other stories",
    ),
]

# Whole lines of chrome, removed wherever they stand.
CHROME_LINES: list[LineRule] = [
    _line(r"^(分享到|分享至|分享)\s*[:：]?.{0,60}$", "share bar"),
    _line(
        r"^.{0,20}(微信|新浪微博|微博|QQ空间|QQ好友|豆瓣|朋友圈)(\s*[|/、]?\s*(微信|新浪微博|微博|QQ空间|QQ好友|豆瓣|朋友圈|复制链接)){1,}.{0,10}$",
        "share bar",
        ("微信", "微博", "qq空间", "qq好友", "豆瓣", "朋友圈"),
    ),
    _line(r"^(share|share this|share on|share via)\b.{0,60}$", "share bar"),
    _line(
        r"^(teilen|artikel teilen|partager|compartir|condividi|del|dele|udostępnij|sdílet|"
        r"シェア|共有する|공유하기)\s*[:：]?$",
        "share bar",
    ),
    _line(
        r"^(facebook|twitter|x|linkedin|whatsapp|email|reddit|pinterest|copy link)(\s*[|/·,]?\s*(facebook|twitter|x|linkedin|whatsapp|email|reddit|pinterest|copy link|print)){1,}$",
        "share bar",
    ),
    _line(r"^follow us\b.{0,80}$", "social follow prompt"),
    _line(r"^(tags?|topics|filed under|标签|关键词)\s*[:：].{0,200}$", "tag lists are metadata"),
    _line(r"^(tell us what you think|what do you think)\b.{0,40}$", "comment prompt"),
    _line(
        r"^.{0,80}\bshare (it|this)( story| article)? with\b.{0,60}$", "share prompt", ("share",)
    ),
    _line(
        r"^(?=.{0,220}$)(?=.*\bnewsletters?\b)(?=.*\b(sign up|subscribe|inbox)\b).*$",
        "newsletter prompt",
        ("newsletter",),
    ),
    _line(
        r"^(read more|see more|more|related|also read|also on \S+|watch|recommended|lesen sie auch|"
        r"lesen sie mehr|mehr zum thema|auch interessant|lire aussi|à lire aussi|lea también|"
        r"lee también|leer más|leggi anche|les også|czytaj (też|także|więcej)|čtěte také|"
        r"相关阅读|延伸阅读|推荐阅读)\s*[:：]\s*\S.{0,140}$",
        "inline teaser link to another story",
    ),
    _line(
        r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:?\d\d)?$",
        "a bare timestamp is not prose",
    ),
    _line(r"^(sign up|subscribe)\b.{0,120}$", "newsletter or subscription prompt"),
    _line(r"^.{0,40}\bnewsletter\b.{0,80}$", "newsletter prompt", ("newsletter",)),
    _line(
        r"^(advertisement|advertising)\s*[·|:-]\s*(scroll|continue|story continues).{0,40}$",
        "advertisement label",
    ),
    _line(
        r"^(story continues below|article continues below|continue reading below)( this)?( advertisement)?\.?$",
        "advertisement label",
    ),
    _line(
        r"^((additional )?reporting|writing|compiled|edited|editing) by [^.]{2,160}(;\s*(additional reporting|writing|editing|graphics) by [^.;]{2,120})*\.?$",
        "wire-service sign-off names the desk, not text",
    ),
    _line(r"^our standards:.{0,120}$", "wire-service standards notice"),
    _line(r"^(特别声明|免责声明|版权声明|声明)\s*[:：].{0,300}$", "platform disclaimer"),
    _line(
        r"^.{0,60}[。.,，]?\s*(本报|新华社|中新社)?(记者|通讯员|摄影)\s*\S{2,8}\s*摄\s*[)）]?$",
        "photo credit",
        ("摄",),
    ),
    _line(r"^[(（]?\s*\S{2,4}\s*/?\s*摄\s*[)）]?$", "photo credit"),
    _line(
        r"^(advertisement|advertising|sponsored( content)?|广告|推广)\s*$", "advertisement label"
    ),
    _line(
        r"^.{0,80}\b(we use cookies|uses cookies|cookie (policy|settings)|accept (all )?cookies)\b.{0,200}$",
        "cookie banner",
        ("cookie",),
    ),
    _line(
        r"^(read more|continue reading|read the full story|click here)\b.{0,40}$", "read-more link"
    ),
    _line(r"^(当前位置|您的位置|你的位置|所在位置)\s*[:：].{0,120}$", "breadcrumb"),
    _line(r"^.{0,10}(首页|主页)\s*[>›»/].{0,80}$", "breadcrumb", ("首页", "主页")),
    _line(
        r"^(上一篇|下一篇|上一页|下一页|previous( article| story)?|next( article| story)?)\s*[:：].{0,100}$",
        "previous/next links",
    ),
    _line(r"^(copyright|©|\(c\)|版权所有|版权声明).{0,200}$", "copyright line"),
    _line(
        r"^.{0,80}(ICP备|ICP证|公网安备|网安备)\s*\d.{0,80}$",
        "ICP licence line",
        ("icp备", "icp证", "网安备"),
    ),
    _line(r"^.{0,40}all rights reserved.{0,80}$", "copyright line", ("all rights reserved",)),
    _line(r"^(photo|image|picture|credit|图片来源|图片|摄影|图)\s*[:：/].{0,80}$", "image credit"),
    _line(
        r"^.{0,60}\((photo|image|picture)\s*(credit|by)?\s*[:：]?.{0,60}\)\s*$",
        "image credit",
        ("photo", "image", "picture"),
    ),
    _line(
        r"^.{0,60}(getty images|reuters|associated press|afp|shutterstock|视觉中国|新华社记者\s*\S+\s*摄)\s*$",
        "image credit",
        (
            "getty images",
            "reuters",
            "associated press",
            "afp",
            "shutterstock",
            "视觉中国",
            "新华社记者",
        ),
    ),
    _line(r"^\d+\s*(comments?|条评论|评论)\s*$", "comment count"),
    _line(r"^(扫一扫|扫码|长按识别|关注我们|关注公众号|点击关注).{0,60}$", "follow prompt"),
    _line(
        r"^(打印|关闭窗口|收藏|字号)\s*[:：]?\s*(大|中|小)?(\s*[|/]\s*\S{1,4}){0,6}$", "page tools"
    ),
    _line(r"^[（(]\s*完\s*[)）]$", "end-of-article mark"),
    _line(r"^(分享好友|切换频道)(\s+\S{1,8}){0,6}$", "mobile header"),
]

# Metadata lines: the capture group ``v`` is the value of ``field``.
FIELD_LINES: list[FieldRule] = [
    _field(
        r"^[【\[（(]?\s*(?:责任编辑|责编|编辑|主编|审核|校对|值班编辑)\s*[:：]\s*(?P<v>[^】\]）)]{1,30}?)\s*[】\]）)]?$",
        "editor",
        "editor line",
    ),
    _field(
        r"^(?:文章来源|新闻来源|来源|稿源|出处|source)\s*[:：]\s*(?P<v>.{1,40}?)\s*$",
        "source",
        "source line",
    ),
    _field(
        r"^(?:文|文字|撰文|作者|记者|采写|文图)\s*[/:：|｜]\s*(?P<v>[^\d:：]{2,40})$",
        "authors",
        "byline",
    ),
    _field(
        r"^(?:本报讯|\S{0,12}?)\s*[（(]?\s*记者\s*(?P<v>[\p{Han}·]{2,4}(?:\s+[\p{Han}·]{2,4}){0,3})(?:\s+通讯员\s+[\p{Han}·\s]{2,20})?\s*[)）]?$",
        "authors",
        "byline",
    ),
    _field(
        r"^by\s+(?P<v>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}){0,4})\s*(?:[|,·-].{0,60})?$",
        "authors",
        "byline",
    ),
]

# Lines of text that carry publication info (date, source, author) above the body.
INFO_LINE = re.compile(
    r"^.{0,30}(20\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(\s*\d{1,2}[:：]\d{2}(:\d{2})?)?.{0,80}$"
)

# A dateline and reporter in brackets opening the first paragraph: "本报讯（记者 方晓宁）…",
# "新华社北京1月5日电（记者 王晨）…". It leaves the text; the reporters become authors.
LEAD_BYLINE = cjk_regex(
    r"^(?:本报讯|本报[\p{Han}]{1,6}电|[\p{Han}]{2,10}(?:社|网|报)"
    r"[\p{Han}\d]{0,12}[讯电])\s*[（(]\s*(?:本报)?记者\s*(?P<v>[^（()）]{2,40}?)\s*[)）]\s*"
)
# The end mark "(完)" closing the last paragraph: not text.
END_MARK = re.compile(r"\s*[（(]\s*完\s*[)）]\s*$")
