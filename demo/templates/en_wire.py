"""Held-out template: a wire-service story page (Reuters/BBC style, "Headline | Reuters").

Traits: <main> + <article>; paragraphs are <div data-testid="paragraph-N"> (not <p>); the
first one opens with the dateline "RIVERTON, Jan 24 (Reuters) - " which IS article text;
byline "By Jane Doe, Reuters" or "By John Roe and Mary Major"; <time datetime="...Z">
in the header (UTC, shown as "January 24, 2025 8:32 AM GMT"); a lead <figure> whose
caption ends "REUTERS/Name"; a newsletter promo ("Sign up here.") and "Advertisement ·
Scroll to continue" *inside* the body; the "Reporting by X; Editing by Y" sign-off as the
last body element (metadata, not text); "Our Standards: The Thomson Reuters Trust
Principles."; Related Topics chips; a "Read Next" rail of titles and teaser sentences;
share buttons; OneTrust-like cookie dialog at the end of <body>.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, esc, slugify, when

SITE = "Reuters"
CITY = "RIVERTON"
SECTION_PATHS = {
    "local": "/world/us/",
    "economy": "/business/",
    "tech": "/technology/",
    "sports": "/sports/",
    "culture": "/lifestyle/",
}
EDITORS = ("Alison Pratt", "Jonathan Oakes", "Mark Potter", "Diane Craft", "Rosalba O'Brien")
COOKIE = (
    "We use cookies and similar technologies to recognise your repeat visits and preferences, "
    "to measure the effectiveness of campaigns, and improve our websites."
)
NEWSLETTER = (
    "The Reuters Daily Briefing newsletter provides all the news you need to start your day."
)
SIGN_UP = "Sign up here."
AD = "Advertisement · Scroll to continue"
STANDARDS = "Our Standards: The Thomson Reuters Trust Principles."
LICENSE = "Purchase Licensing Rights"
READ_NEXT = "Read Next"
DELAY = "All quotes delayed a minimum of 15 minutes."
COPYRIGHT = "© 2025 Reuters. All rights reserved"


def and_join(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def first_sentence(text: str) -> str:
    m = re.match(r"(.{40,}?[.!?][”’\"]?)\s", text)
    return m.group(1) if m else text[:140]


def gmt(art: Article) -> str:
    d = when(art)
    return (
        f"{d:%B} {d.day}, {d.year} {d.hour % 12 or 12}:{d:%M} {'AM' if d.hour < 12 else 'PM'} GMT"
    )


class EnWire(Template):
    """Wire-service page "Reuters": div paragraphs, dateline, sign-off, Read Next rail."""

    name: ClassVar[str] = "en_wire"
    language: ClassVar[str] = "en"
    site_name: ClassVar[str] = SITE
    sections: ClassVar[dict[str, str]] = {
        "local": "United States",
        "economy": "Business",
        "tech": "Technology",
        "sports": "Sports",
        "culture": "Lifestyle",
    }

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        slug = slugify(art.title, 10)
        return f"{SECTION_PATHS[art.section]}{slug}-{when(art):%Y-%m-%d}/"

    def section_path(self, section: str, page: int = 1) -> str:
        return SECTION_PATHS[section] + ("" if page == 1 else f"?page={page}")

    def latest_path(self, page: int = 1) -> str:
        return "/news/archive/" + ("" if page == 1 else f"?page={page}&pageSize=10&view=page")

    def tag_path(self, tag: str) -> str:
        return f"/topic/{slugify(tag)}/"

    def author_path(self, author: str) -> str:
        return f"/authors/{slugify(author)}/"

    def published_iso(self, local: str) -> str:
        return f"{local}:00+00:00"

    def truth_paragraphs(self, art: Article) -> tuple[str, ...]:
        paras = art.paragraphs
        return (self.dateline(art) + paras[0], *paras[1:])

    # -- text pieces --------------------------------------------------------------------
    def dateline(self, art: Article) -> str:
        d = when(art)
        return f"{CITY}, {d:%b} {d.day} (Reuters) - "

    def byline(self, art: Article) -> str:
        if len(art.authors) == 1 and art.id % 2:
            return f"By {art.authors[0]}, Reuters"
        return "By " + and_join(art.authors)

    def sign_off(self, art: Article) -> str:
        return (
            f"Reporting by {and_join(art.authors)} in Riverton; "
            f"Editing by {EDITORS[art.id % len(EDITORS)]}"
        )

    def caption(self, art: Article) -> str:
        assert art.image
        name = (art.image.credit or "Photo: Staff").removeprefix("Photo: ")
        suffix = "/File Photo" if art.id % 2 == 0 else ""
        return f"{art.image.caption} REUTERS/{name}{suffix}"

    def read_next(self, site: Site, art: Article | None) -> list[Article]:
        return site.pick(art, 4, "readnext") if art else site.latest(4)

    def minutes(self, art: Article) -> str:
        words = sum(len(p.split()) for p in art.paragraphs)
        return f"{max(1, round(words / 230))} minute read"

    # -- page parts -------------------------------------------------------------------
    def _head(self, site: Site, title: str, path: str, extra: str = "") -> str:
        return (
            '<!DOCTYPE html>\n<html lang="en" dir="ltr">\n<head>\n<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n"
            f'<link rel="canonical" href="{site.url(path)}">\n{extra}'
            '<link rel="stylesheet" href="/pf/resources/styles/main.css?d=1842">\n'
            '<script src="https://cdn.cookielaw-example.org/scripttemplates/otSDKStub.js" async></script>\n'
            "</head>\n<body>\n"
            '<a class="skip-link" href="#main-content">Skip to main content</a>\n'
        )

    def _header(self) -> str:
        nav = "".join(
            f'<li class="nav-bar__item"><a href="{self.section_path(s)}">{esc(n)}</a></li>'
            for s, n in self.sections.items()
        )
        return (
            '<header class="site-header" data-testid="Header">'
            '<a href="/" class="site-header__logo" aria-label="Reuters home"><img src="/pf/resources/images/reuters/logo.svg.png" alt="Reuters"></a>\n'
            f'<nav class="nav-bar" aria-label="Main"><ul>{nav}'
            '<li class="nav-bar__item"><a href="/news/archive/">Latest</a></li></ul></nav>\n'
            '<div class="site-header__actions"><a href="/account/sign-in/">Sign In</a> '
            '<a href="https://www.reuters-example.com/account/register/">Register</a> '
            '<a href="https://www.reuters-example.com/myview/">My News</a></div></header>\n'
        )

    def _footer(self, site: Site) -> str:
        partners = " ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            '<footer class="site-footer" data-testid="Footer">\n'
            '<div class="footer__apps"><a href="https://apps.apple.com/app/reuters-example/id602660809">Apps</a> '
            '<a href="https://www.reuters-example.com/newsletters/">Newsletters</a> '
            '<a href="https://www.reutersagency-example.com/en/">Reuters Agency</a> '
            '<a href="/info-pages/about-us/">About Reuters</a></div>\n'
            '<div class="footer__social">Follow Us <a href="https://x.com/reuters">X</a> '
            '<a href="https://www.facebook.com/Reuters">Facebook</a> '
            '<a href="https://www.linkedin.com/company/reuters">LinkedIn</a></div>\n'
            f'<div class="footer__partners">{partners}</div>\n'
            f"<p>{DELAY} See here for a complete list of exchanges and delays.</p>\n"
            f"<p>{COPYRIGHT}</p>\n</footer>\n"
        )

    def _cookie_dialog(self) -> str:
        return (
            '<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="dialog" aria-label="Cookie banner">'
            f'<p id="onetrust-policy-text">{COOKIE} For settings and more information about cookies, view our '
            '<a href="/info-pages/cookies/">Cookie Policy</a>. By clicking “Accept all” you consent to the use of cookies.</p>'
            '<button id="onetrust-accept-btn-handler">Accept all</button> '
            '<button id="onetrust-reject-all-handler">Reject all</button> '
            '<button id="onetrust-pc-btn-handler">Cookie settings</button></div></div>\n'
        )

    def _byline_html(self, art: Article) -> str:
        links = [
            f'<a rel="author" href="{self.author_path(n)}" data-testid="AuthorNameLink">{esc(n)}</a>'
            for n in art.authors
        ]
        if len(art.authors) == 1 and art.id % 2:
            return f"By {links[0]}, Reuters"
        joined = links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]
        return "By " + joined

    def _body(self, art: Article) -> str:
        out = []
        for i, line in enumerate(art.body):
            if line.startswith(SUBHEADING_PREFIX):
                out.append(
                    f'<h2 data-testid="Heading" class="article-body__heading">{esc(line[len(SUBHEADING_PREFIX) :])}</h2>'
                )
            else:
                text = (self.dateline(art) + line) if i == 0 else line
                out.append(
                    f'<div data-testid="paragraph-{i}" class="text__text article-body__paragraph">{esc(text)}</div>'
                )
            if i == 1:
                out.append(
                    '<div class="article-body__element article-body__newsletter" data-testid="promo-box">'
                    f'<p>{esc(NEWSLETTER)} <a href="https://www.reuters-example.com/newsletters/reuters-daily-briefing/">{SIGN_UP}</a></p></div>'
                )
            if i == 3:
                out.append(
                    f'<div class="article-body__element" data-testid="ResponsiveAdSlot"><span>{AD}</span>'
                    '<div id="ad-slot-mid"></div></div>'
                )
        out.append(
            f'<p class="sign-off-container" data-testid="SignOffLine">{esc(self.sign_off(art))}</p>'
        )
        return "\n".join(out)

    def _figure(self, art: Article) -> str:
        if not art.image:
            return ""
        return (
            f'<figure class="primary-image" data-testid="primary-image"><img src="{art.image.path}" '
            f'alt="{esc(art.image.caption)}" width="1200" height="800">'
            f'<figcaption><span data-testid="Body">{esc(self.caption(art))}</span> '
            f'<a href="https://www.reutersagency-example.com/en/licensereuterscontent/">{LICENSE}</a>'
            ", opens new tab</figcaption></figure>\n"
        )

    def _rail(self, site: Site, art: Article | None) -> str:
        cards = "".join(
            f'<li class="story-card"><a data-testid="Heading" href="{site.href(a)}">{esc(a.title)}</a>'
            f'<p data-testid="Description">{esc(first_sentence(a.paragraphs[0]))}</p>'
            f'<time datetime="{self.published_iso(a.published)}">{when(a):%B} {when(a).day}, {when(a).year}</time></li>\n'
            for a in self.read_next(site, art)
        )
        return f'<aside class="read-next" data-testid="ReadNext"><h2>{READ_NEXT}</h2><ul>\n{cards}</ul></aside>\n'

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        path = self.article_path(art)
        iso = self.published_iso(art.published).replace("+00:00", "Z")
        meta = (
            f'<meta property="og:title" content="{esc(art.title)}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:site_name" content="{SITE}">\n'
            f'<meta name="description" content="{esc(first_sentence(art.paragraphs[0]))}">\n'
            f'<meta name="article:published_time" content="{iso}">\n'
        )
        updated = ""
        if art.modified:
            upd = self.published_iso(art.modified).replace("+00:00", "Z")
            updated = f' <span>Updated <time datetime="{upd}">{datetime.fromisoformat(art.modified):%B %d, %Y}</time></span>'
        share = (
            '<div class="article-header__share" data-testid="ShareButtons">Share '
            f'<a href="https://x.com/intent/tweet?url={site.url(path)}">X</a> '
            f'<a href="https://www.facebook.com/sharer/sharer.php?u={site.url(path)}">Facebook</a> '
            f'<a href="https://www.linkedin.com/sharing/share-offsite/?url={site.url(path)}">Linkedin</a> '
            '<a href="mailto:?subject=Reuters">Email</a> <button>Link</button></div>\n'
        )
        chips = "".join(
            f'<li><a class="tag-chip" href="{self.tag_path(t)}">{esc(t)}</a></li>' for t in art.tags
        )
        return (
            self._head(site, f"{art.title} | {SITE}", path, meta)
            + self._header()
            + '<main id="main-content" class="regular-article-layout">\n'
            + '<article class="article" data-testid="Article">\n'
            + '<header class="article-header">\n'
            + f'<nav class="article-header__tags" aria-label="Tags"><a href="{self.section_path(art.section)}">{esc(self.sections[art.section])}</a></nav>\n'
            + f'<h1 data-testid="Heading">{esc(art.title)}</h1>\n'
            + f'<div class="article-header__byline" data-testid="AuthorByline">{self._byline_html(art)}</div>\n'
            + f'<div class="article-header__dateline"><time datetime="{iso}" data-testid="DateLineText">{gmt(art)}</time>{updated}'
            + f" <span>{self.minutes(art)}</span></div>\n"
            + share
            + "</header>\n"
            + self._figure(art)
            + f'<div class="article-body__content" data-testid="ArticleBody">\n{self._body(art)}\n</div>\n'
            + '<div class="trust-badge" data-testid="TrustBadge">'
            + f'<a href="https://www.thomsonreuters-example.com/en/about-us/trust-principles.html">{STANDARDS}</a>, opens new tab</div>\n'
            + f'<div class="related-topics"><h2>Related Topics</h2><ul class="chips">{chips}</ul></div>\n'
            + "</article>\n"
            + self._rail(site, art)
            + "</main>\n"
            + self._footer(site)
            + self._cookie_dialog()
            + "</body>\n</html>\n"
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {
            "latest": "Latest News",
            "tag": listing.heading.title(),
            "author": listing.heading,
        }.get(listing.kind, listing.heading)
        items = "".join(
            f'<li class="story-collection__item"><div class="media-story-card">'
            f'<span class="kicker">{esc(self.sections[a.section])}</span>'
            f'<h3><a data-testid="Heading" href="{site.href(a)}">{esc(a.title)}</a></h3>'
            f"<p>{esc(first_sentence(a.paragraphs[0]))}</p>"
            f'<time datetime="{self.published_iso(a.published)}">{when(a):%B} {when(a).day}, {when(a).year}</time></div></li>\n'
            for a in listing.items
        )
        pager = ""
        if listing.total_pages > 1:
            parts = [f"<span>{listing.page} of {listing.total_pages}</span>"]
            if listing.page > 1:
                parts.insert(
                    0,
                    f'<a href="{listing.page_paths[listing.page - 2]}" aria-label="Previous">Previous</a>',
                )
            if listing.page < listing.total_pages:
                parts.append(
                    f'<a href="{listing.page_paths[listing.page]}" aria-label="Next">Next</a>'
                )
            pager = f'<nav class="pagination">{" ".join(parts)}</nav>\n'
        intro = "Author" if listing.kind == "author" else ""
        return (
            self._head(site, f"{heading} | {SITE}", listing.path)
            + self._header()
            + f'<main id="main-content" class="section-layout"><h1>{esc(heading)}</h1>'
            + (f"<p>{intro}, Reuters</p>" if intro else "")
            + f'\n<ul class="story-collection">\n{items}</ul>\n{pager}</main>\n'
            + self._footer(site)
            + self._cookie_dialog()
            + "</body>\n</html>\n"
        )

    def render_home(self, site: Site) -> str:
        lead = site.latest(1)
        lead_html = (
            f'<div class="hero"><h2><a href="{site.href(lead[0])}">{esc(lead[0].title)}</a></h2>'
            f"<p>{esc(first_sentence(lead[0].paragraphs[0]))}</p></div>\n"
            if lead
            else ""
        )
        blocks = "".join(
            f'<section class="home-section"><h2><a href="{self.section_path(s)}">{esc(self.sections[s])}</a></h2><ul>'
            + "".join(
                f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>'
                for a in [x for x in site.articles if x.section == s][:3]
            )
            + "</ul></section>\n"
            for s in site.sections()
        )
        return (
            self._head(site, "Reuters | Breaking International News & Views", "/")
            + self._header()
            + f'<main id="main-content" class="home-layout">\n{lead_html}{blocks}</main>\n'
            + self._footer(site)
            + self._cookie_dialog()
            + "</body>\n</html>\n"
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        def simple(title: str, path: str, inner: str) -> str:
            return (
                self._head(site, f"{title} | {SITE}", path)
                + self._header()
                + f'<main id="main-content">{inner}</main>\n'
                + self._footer(site)
                + "</body>\n</html>\n"
            )

        return {
            "/info-pages/about-us/": (
                simple(
                    "About Reuters", "/info-pages/about-us/", "<p>Reuters is a news agency.</p>"
                ),
                "other",
            ),
            "/info-pages/cookies/": (
                simple("Cookie Policy", "/info-pages/cookies/", "<p>How we use cookies.</p>"),
                "other",
            ),
            "/account/sign-in/": (
                simple(
                    "Sign In",
                    "/account/sign-in/",
                    '<form method="post" action="/account/sign-in/"><input name="email"></form>',
                ),
                "disallowed",
            ),
        }

    def robots_txt(self, site: Site) -> str:
        return (
            "User-Agent: *\nDisallow: /finance/stocks/option\nDisallow: /account/\n"
            "Disallow: /pf/api/\n"
        )

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/pf/resources/images/reuters/logo.svg.png": (assets.png(), "image/png"),
        }
        for a in site.articles:
            if a.image:
                files[a.image.path] = (assets.jpeg(a.image.caption), "image/jpeg")
        return files

    def article_chrome(self, site: Site, art: Article) -> tuple[str, ...]:
        rail = [
            x for a in self.read_next(site, art) for x in (a.title, first_sentence(a.paragraphs[0]))
        ]
        caption = [self.caption(art), LICENSE] if art.image else []
        return (
            self.byline(art),
            self.sign_off(art),
            "Reporting by",
            "Editing by",
            gmt(art),
            self.minutes(art),
            NEWSLETTER,
            SIGN_UP,
            AD,
            STANDARDS,
            "Related Topics",
            READ_NEXT,
            COOKIE,
            "Accept all",
            "Cookie settings",
            "Skip to main content",
            DELAY,
            COPYRIGHT,
            *caption,
            *rail,
        )
