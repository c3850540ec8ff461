"""Template D: an older English newspaper site ("The Example Herald - Headline").

Traits: table layout, no JSON-LD or Open Graph, only `<meta name="author">`; windows-1252
bytes declared as ISO-8859-1 (curly quotes must survive); site name *before* the headline
in <title>; headline in an h2; bylines "By A and B" or "By A, Herald Staff Writer" in
capitals; a date in `<time datetime>` on some stories and only as text on others; query
string listings (/news.php?cat=local&page=2); "Story continues below advertisement";
Share this / Tags / prev-next / newsletter box; "Most popular" sidebar; robots-blocked
print pages.
"""

from __future__ import annotations

from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, body_extras, esc, slugify, when

SITE = "The Example Herald"
CONTINUES = "Story continues below advertisement"
NEWSLETTER = "Sign up for our newsletter"
POPULAR = "Most popular"
SHARE = "Share this:"


def and_join(names: tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def clock(art: Article) -> str:
    """12-hour clock like "12:12 p.m."."""
    d = when(art)
    hour = d.hour % 12 or 12
    return f"{hour}:{d:%M} {'a.m.' if d.hour < 12 else 'p.m.'}"


class EnHerald(Template):
    """Old table-layout newspaper "The Example Herald"."""

    name: ClassVar[str] = "en_herald"
    language: ClassVar[str] = "en"
    site_name: ClassVar[str] = SITE
    shows_figures: ClassVar[bool] = True
    sections: ClassVar[dict[str, str]] = {
        "local": "Local News",
        "economy": "Business",
        "tech": "Science & Tech",
        "sports": "Sports",
        "culture": "Entertainment",
    }
    encoding: ClassVar[str] = "cp1252"
    content_type: ClassVar[str] = "text/html; charset=ISO-8859-1"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        return f"/story/{12000 + art.id}"

    def section_path(self, section: str, page: int = 1) -> str:
        return f"/news.php?cat={section}" + ("" if page == 1 else f"&page={page}")

    def latest_path(self, page: int = 1) -> str:
        return "/latest.php" if page == 1 else f"/latest.php?page={page}"

    def tag_path(self, tag: str) -> str:
        return f"/topics/{slugify(tag)}"

    def author_path(self, author: str) -> str:
        return f"/staff/{slugify(author)}"

    # -- page parts -------------------------------------------------------------------
    def _head(self, title: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<html>\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">\n'
            f"<title>{SITE} - {esc(title)}</title>\n{extra}"
            '<link rel="stylesheet" type="text/css" href="/styles/herald.css">\n'
            '<script type="text/javascript" src="/js/common.js"></script>\n</head>\n'
            '<body bgcolor="#ffffff" topmargin="0" leftmargin="0">\n'
        )

    def _masthead(self, site: Site) -> str:
        nav = " | ".join(
            f'<a href="{self.section_path(s)}">{esc(n)}</a>' for s, n in self.sections.items()
        )
        today = when(site.articles[0]) if site.articles else None
        date = f"{today:%A, %B} {today.day}, {today.year}" if today else ""
        return (
            '<table width="960" border="0" cellpadding="0" cellspacing="0" id="wrapper" align="center">\n'
            f'<tr><td colspan="2" id="masthead"><a href="/"><img src="/img/herald-logo.gif" alt="{SITE}" border="0"></a>'
            f'<span class="topdate">{date}</span></td></tr>\n'
            f'<tr><td colspan="2" class="navbar"><a href="/">Home</a> | {nav} | <a href="/latest.php">Latest</a> | '
            '<a href="http://classifieds.example-partner.com/herald/">Classifieds</a> | '
            '<a href="https://www.legacy-example.com/obituaries/herald/">Obituaries</a> | <a href="/contact.html">Contact Us</a></td></tr>\n'
        )

    def _sidebar(self, site: Site, art: Article | None) -> str:
        picks = site.pick(art, 5, "popular") if art else site.latest(5)
        lis = "".join(f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>' for a in picks)
        return (
            '<td valign="top" id="col_side" width="300">\n'
            f'<div class="box"><h4>{POPULAR}</h4><ol>{lis}</ol></div>\n'
            '<div class="box ad"><small>ADVERTISEMENT</small><br><a href="https://ads.example-adnetwork.com/click?id=4411">'
            '<img src="https://ads.example-adnetwork.com/banner/300x250.gif" width="300" height="250" border="0"></a></div>\n'
            '<div class="box"><h4>Weather</h4>Partly cloudy, high 41°F</div>\n</td></tr>\n'
        )

    def _footer(self, site: Site) -> str:
        partners = " | ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            '<tr><td colspan="2" id="footer"><font size="1">Copyright &copy; 2025 The Example Herald, a division of '
            'Example Media Group. All rights reserved. | <a href="/contact.html">Contact</a> | '
            f'<a href="/archive/annual-report-2024.pdf">2024 Annual Report (PDF)</a> {partners}</font></td></tr>\n'
            "</table>\n</body>\n</html>\n"
        )

    def byline(self, art: Article) -> str:
        """Byline text; every third story uses the all-caps staff-writer form."""
        if art.id % 3 == 1:
            return f"By {and_join(art.authors).upper()}, Herald Staff Writer"
        return "By " + and_join(art.authors)

    def _byline_html(self, art: Article) -> str:
        if art.id % 3 == 1:
            return esc(self.byline(art))
        links = [f'<a href="{self.author_path(n)}">{esc(n)}</a>' for n in art.authors]
        joined = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
        return "By " + joined

    def _dateline(self, art: Article) -> str:
        d = when(art)
        text = f"{d:%b}. {d.day}, {d.year}, {clock(art)}"
        if art.id % 2 == 0:
            return f'Posted: <time datetime="{art.published}">{text}</time>'
        return f"Posted {d:%A, %B} {d.day}, {d.year} at {d.hour % 12 or 12}:{d:%M} {'AM' if d.hour < 12 else 'PM'}"

    def _body(self, art: Article) -> str:
        out = []
        for i, line in enumerate(art.body):
            out.extend(body_extras(art, i - 1))  # figures, table after the previous paragraph
            if line.startswith(SUBHEADING_PREFIX):
                out.append(f"<p><b>{esc(line[len(SUBHEADING_PREFIX) :])}</b></p>")
            else:
                out.append(f"<p>{esc(line)}</p>")
            if i == 0 and art.image:
                out.append(
                    f'<table class="photo" align="right" width="320"><tr><td><img src="{art.image.path}" width="320"></td></tr>'
                    f'<tr><td class="cutline">{esc(art.image.caption)} ({esc(art.image.credit or "Herald file photo")})</td></tr></table>'
                )
            if i == 2:
                out.append(
                    f'<div class="adblock"><small>{CONTINUES}</small><br><iframe src="https://ads.example-adnetwork.com/frame/468x60" width="468" height="60"></iframe></div>'
                )
        return "\n".join(out)

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        meta = (
            f'<meta name="author" content="{esc(and_join(art.authors))}">\n'
            f'<meta name="description" content="{esc(art.paragraphs[0][:150])}">\n'
            f'<meta name="keywords" content="{esc(", ".join(art.tags))}">\n'
        )
        older, newer = site.neighbours(art)
        prevnext = " | ".join(
            x
            for x in (
                f'<a href="{site.href(older)}">&laquo; Previous: {esc(older.title)}</a>'
                if older
                else "",
                f'<a href="{site.href(newer)}">Next: {esc(newer.title)} &raquo;</a>'
                if newer
                else "",
            )
            if x
        )
        tags = ", ".join(f'<a href="{self.tag_path(t)}">{esc(t)}</a>' for t in art.tags)
        sid = 12000 + art.id
        return (
            self._head(art.title, meta)
            + self._masthead(site)
            + '<tr><td valign="top" id="col_main" width="640">\n'
            + f'<div class="crumbs"><a href="/">Home</a> &raquo; <a href="{self.section_path(art.section)}">{esc(self.sections[art.section])}</a></div>\n'
            + f'<h2 class="hdln">{esc(art.title)}</h2>\n'
            + f'<div class="byline">{self._byline_html(art)}<br>\n<span class="dateline">{self._dateline(art)}</span></div>\n'
            + f'<div id="story_body" class="mod_3">\n{self._body(art)}\n</div>\n'
            + f'<div class="sharebar">{SHARE} <a href="https://www.facebook.com/sharer/sharer.php?u={site.url(self.article_path(art))}">Facebook</a> '
            + '<a href="https://twitter.com/intent/tweet">Twitter</a> <a href="mailto:?subject=Herald%20story">Email</a> '
            + f'<a href="/print/{sid}" rel="nofollow">Print</a></div>\n'
            + f'<div class="tags">Tags: {tags}</div>\n'
            + f'<div class="prevnext">{prevnext}</div>\n'
            + f'<div class="nl-box"><b>{NEWSLETTER}</b><br>Get the Herald’s headlines delivered every morning.'
            + '<form action="/newsletter.php" method="post"><input type="text" name="email"> <input type="submit" value="Subscribe"></form></div>\n'
            + "</td>\n"
            + self._sidebar(site, art)
            + self._footer(site)
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {
            "latest": "Latest Headlines",
            "tag": f"Topics: {listing.heading}",
            "author": f"Stories by {listing.heading}",
        }.get(listing.kind, listing.heading)
        rows = "".join(
            f'<tr><td class="lst"><a href="{site.href(a)}"><b>{esc(a.title)}</b></a><br>'
            f'<font size="2">{esc(a.paragraphs[0][:110])}...</font><br><font size="1" color="#666666">{when(a):%m/%d/%Y}</font></td></tr>\n'
            for a in listing.items
        )
        pager = ""
        if listing.page < listing.total_pages:
            pager = f'<a href="{listing.page_paths[listing.page]}">Next page &raquo;</a>'
        if listing.page > 1:
            pager = (
                f'<a href="{listing.page_paths[listing.page - 2]}">&laquo; Previous page</a> '
                + pager
            )
        return (
            self._head(heading)
            + self._masthead(site)
            + f'<tr><td valign="top" id="col_main" width="640"><h3 class="c-12">{esc(heading)}</h3>\n'
            + f'<table width="100%" class="listing">\n{rows}</table>\n<div class="pager">{pager}</div></td>\n'
            + self._sidebar(site, None)
            + self._footer(site)
        )

    def render_home(self, site: Site) -> str:
        lead = site.latest(1)
        rest = site.latest(9)[1:]
        lead_html = (
            f'<h2 class="hdln"><a href="{site.href(lead[0])}">{esc(lead[0].title)}</a></h2><p>{esc(lead[0].paragraphs[0])}</p>\n'
            if lead
            else ""
        )
        lis = "".join(f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>' for a in rest)
        return (
            self._head("Local News, Sports, Business and Entertainment")
            + self._masthead(site)
            + f'<tr><td valign="top" id="col_main" width="640">\n{lead_html}<ul class="heds">{lis}</ul>'
            + '<a href="/latest.php">More headlines &raquo;</a></td>\n'
            + self._sidebar(site, None)
            + self._footer(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        pages = {
            "/contact.html": (
                self._head("Contact Us")
                + self._masthead(site)
                + '<tr><td colspan="2">Newsroom: (555) 010-2000. Email news@herald.example.</td></tr>\n'
                + self._footer(site),
                "other",
            )
        }
        for art in site.articles:
            page = (
                self._head(art.title)
                + f"<h2>{esc(art.title)}</h2>\n"
                + self._body(art)
                + "\n</body></html>\n"
            )
            pages[f"/print/{12000 + art.id}"] = (page, "disallowed")
        return pages

    def robots_txt(self, site: Site) -> str:
        return "# Herald robots\nUser-agent: *\nDisallow: /print/\nDisallow: /newsletter.php\nCrawl-delay: 0\n"

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/img/herald-logo.gif": (assets.GIF_1PX, "image/gif"),
            "/archive/annual-report-2024.pdf": (
                assets.pdf("The Example Herald annual report 2024"),
                "application/pdf",
            ),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
            for fig in a.figures:
                stem, ext = fig.path.rsplit(".", 1)
                for path in (fig.path, f"{stem}-480.{ext}"):
                    files[path] = (assets.jpeg(fig.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        older, newer = site.neighbours(art)
        titles = [a.title for a in (*site.pick(art, 5, "popular"), older, newer) if a]
        return (
            self.byline(art),
            CONTINUES,
            NEWSLETTER,
            POPULAR,
            SHARE,
            "ADVERTISEMENT",
            "Tags:",
            "Previous:",
            "Next:",
            "All rights reserved",
            "Partly cloudy",
            *titles,
        )
