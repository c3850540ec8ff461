"""Template C: a modern English news site ("Headline | The Daily Example").

Traits: HTML5 `<article>`, JSON-LD NewsArticle with an offset date and an author list,
Open Graph tags, canonical link (home links carry utm parameters), cookie banner,
"Advertisement" slots and an inline "Read more" link between paragraphs, a figure with
caption and credit, newsletter box, "Read more" teaser cards, reader comments, footer.
"""

from __future__ import annotations

import json
from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, body_extras, esc, slugify, when

SITE = "The Daily Example"
OFFSET = "-05:00"
COOKIE = "We use cookies to improve your experience and to show you personalised ads."
NEWSLETTER = "Sign up for The Morning Briefing"
FOLLOW = "Follow us"
COMMENTERS = (
    "riverrat77",
    "J. Alvarez",
    "concerned_parent",
    "Marge from Eastside",
    "tkline",
    "BobK",
)
COMMENTS = (
    "Finally some good news for this town.",
    "I have lived here 40 years and have never seen anything like this.",
    "Who is paying for all of this? Nobody ever answers that question.",
    "Great reporting, thank you for covering this.",
    "This should have happened a decade ago.",
    "Does anyone know if there will be a public meeting about it?",
)


def byline_names(names: tuple[str, ...]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class EnModern(Template):
    """Modern site "The Daily Example": structured data plus heavy engagement chrome."""

    name: ClassVar[str] = "en_modern"
    language: ClassVar[str] = "en"
    site_name: ClassVar[str] = SITE
    shows_figures: ClassVar[bool] = True
    sections: ClassVar[dict[str, str]] = {
        "local": "Local",
        "economy": "Business",
        "tech": "Technology",
        "sports": "Sports",
        "culture": "Arts & Culture",
    }
    content_type: ClassVar[str] = "text/html; charset=UTF-8"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        return f"/{when(art):%Y/%m/%d}/{slugify(art.title)}/"

    def section_path(self, section: str, page: int = 1) -> str:
        slug = slugify(self.sections[section])
        return f"/section/{slug}/" if page == 1 else f"/section/{slug}/page/{page}/"

    def latest_path(self, page: int = 1) -> str:
        return "/latest/" if page == 1 else f"/latest/page/{page}/"

    def tag_path(self, tag: str) -> str:
        return f"/tag/{slugify(tag)}/"

    def author_path(self, author: str) -> str:
        return f"/author/{slugify(author)}/"

    def published_iso(self, local: str) -> str:
        return f"{local}:00{OFFSET}"

    # -- page parts -------------------------------------------------------------------
    def _head(self, site: Site, title: str, path: str, extra: str = "") -> str:
        return (
            '<!doctype html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)} | {SITE}</title>\n"
            f'<link rel="canonical" href="{site.url(path)}">\n{extra}'
            '<link rel="stylesheet" href="/assets/css/main.4f9c2e.css">\n'
            '<script async src="https://securepubads.example-adnetwork.com/tag/js/gpt.js"></script>\n'
            '</head>\n<body class="theme-light">\n'
            f'<div id="cookie-consent" class="consent-banner" role="dialog"><p>{COOKIE} '
            'By continuing you agree to our <a href="/privacy/">Privacy Policy</a>.</p>'
            '<button class="btn-accept">Accept all</button> <button class="btn-manage">Manage preferences</button></div>\n'
        )

    def _header(self) -> str:
        nav = "".join(
            f'<li><a href="{self.section_path(s)}">{esc(n)}</a></li>'
            for s, n in self.sections.items()
        )
        return (
            '<header class="site-header"><a class="site-header__logo" href="/">The Daily Example</a>\n'
            f'<nav class="primary-nav" aria-label="Sections"><ul>{nav}<li><a href="/latest/">Latest</a></li></ul></nav>\n'
            '<a class="subscribe-cta" href="https://subscribe.example-partner.com/?src=header">Subscribe</a> '
            '<a class="signin" href="/account/login/">Sign in</a> '
            '<form class="search" action="/search" role="search"><input name="q" placeholder="Search"></form>'
            "</header>\n"
        )

    def _footer(self, site: Site) -> str:
        partners = "".join(
            f'<li><a href="{esc(u)}">{esc(lbl)}</a></li>' for lbl, u in site.partner_links
        )
        return (
            '<footer class="site-footer">\n'
            f'<div class="follow-us"><h3>{FOLLOW}</h3>'
            '<a href="https://twitter.com/dailyexample">Twitter</a> '
            '<a href="https://www.facebook.com/dailyexample">Facebook</a> '
            '<a href="https://www.instagram.com/dailyexample/">Instagram</a></div>\n'
            '<nav class="footer-links"><a href="/about/">About us</a> <a href="/privacy/">Privacy</a> '
            '<a href="/media/media-kit-2025.pdf">Advertise</a> '
            f'<a href="https://jobs.example-partner.com/dailyexample">Careers</a></nav><ul class="partners">{partners}</ul>\n'
            f"<p>© 2025 The Daily Example Media LLC. All rights reserved.</p>\n</footer>\n</body>\n</html>\n"
        )

    def _jsonld(self, site: Site, art: Article) -> str:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": art.title,
            "datePublished": self.published_iso(art.published),
            "dateModified": self.published_iso(art.modified or art.published),
            "author": [
                {"@type": "Person", "name": n, "url": site.url(self.author_path(n))}
                for n in art.authors
            ],
            "publisher": {
                "@type": "Organization",
                "name": SITE,
                "logo": {"@type": "ImageObject", "url": site.url("/assets/logo.png")},
            },
            "articleSection": self.sections[art.section],
            "keywords": list(art.tags),
            "mainEntityOfPage": site.url(self.article_path(art)),
        }
        if art.image:
            data["image"] = [site.url(art.image.path)]
        return (
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        )

    def _meta(self, site: Site, art: Article) -> str:
        desc = art.paragraphs[0][:160]
        tags = "".join(f'<meta property="article:tag" content="{esc(t)}">\n' for t in art.tags)
        image = (
            f'<meta property="og:image" content="{site.url(art.image.path)}">\n'
            if art.image
            else ""
        )
        return (
            f'<meta name="description" content="{esc(desc)}">\n'
            '<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{esc(art.title)}">\n'
            f'<meta property="og:description" content="{esc(desc)}">\n'
            f'<meta property="og:url" content="{site.url(self.article_path(art))}">\n'
            f'<meta property="og:site_name" content="{SITE}">\n{image}'
            f'<meta property="article:published_time" content="{self.published_iso(art.published)}">\n'
            f'<meta property="article:section" content="{esc(self.sections[art.section])}">\n{tags}'
            '<meta name="twitter:card" content="summary_large_image">\n<meta name="twitter:site" content="@dailyexample">\n'
            + self._jsonld(site, art)
        )

    def inline_related(self, site: Site, art: Article) -> Article:
        """The story linked by the "Read more:" line placed inside the body."""
        return site.pick(art, 1, "inline")[0]

    def _body(self, site: Site, art: Article) -> str:
        out = []
        ad = '<aside class="ad-slot"><span class="ad-label">Advertisement</span><div id="div-gpt-ad-{n}"></div></aside>'
        rel = self.inline_related(site, art)
        for i, line in enumerate(art.body):
            out.extend(body_extras(art, i - 1))  # figures, table after the previous paragraph
            if line.startswith(SUBHEADING_PREFIX):
                out.append(f"<h2>{esc(line[len(SUBHEADING_PREFIX) :])}</h2>")
            else:
                out.append(f"<p>{esc(line)}</p>")
            if i in (1, 5):
                out.append(ad.format(n=i))
            if i == 3:
                out.append(
                    f'<p class="inline-related"><strong>Read more:</strong> <a href="{site.href(rel)}">{esc(rel.title)}</a></p>'
                )
        return "\n".join(out)

    def _figure(self, art: Article) -> str:
        if not art.image:
            return ""
        credit = f' <span class="credit">{esc(art.image.credit)}</span>' if art.image.credit else ""
        return (
            f'<figure class="story__media"><img src="{art.image.path}" alt="{esc(art.image.caption)}" '
            f'width="1200" height="800" loading="eager"><figcaption>{esc(art.image.caption)}{credit}</figcaption></figure>\n'
        )

    def comments(self, site: Site, art: Article) -> list[tuple[str, str]]:
        """(reader name, comment) pairs shown under the story."""
        rng = site.rng(f"comments:{art.id}")
        return [(rng.choice(COMMENTERS), rng.choice(COMMENTS)) for _ in range(rng.randint(2, 5))]

    def _comments(self, site: Site, art: Article) -> str:
        items = self.comments(site, art)
        lis = "".join(
            f'<li class="comment"><p class="comment__author">{esc(who)}</p><time>{n + 1} hours ago</time>'
            f'<p class="comment__body">{esc(text)}</p><a href="#reply" class="reply">Reply</a></li>\n'
            for n, (who, text) in enumerate(items)
        )
        return f'<section id="comments" class="comments"><h2>Comments ({len(items)})</h2>\n<ol>\n{lis}</ol></section>\n'

    def _read_more(self, site: Site, art: Article) -> str:
        cards = "".join(
            f'<div class="card"><a href="{site.href(a)}"><h3>{esc(a.title)}</h3></a><p>{esc(a.paragraphs[0][:120])}…</p></div>\n'
            for a in site.pick(art, 3, "readmore")
        )
        return f'<section class="read-more"><h2>Read more</h2>\n{cards}</section>\n'

    def _newsletter(self) -> str:
        return (
            f'<section class="newsletter-signup"><h2>{NEWSLETTER}</h2><p>Get the day’s top local stories in your inbox '
            'every weekday morning. It’s free.</p><form action="/newsletter/subscribe" method="post">'
            '<input type="email" name="email" placeholder="Your email"><button>Sign up</button></form></section>\n'
        )

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        authors = (
            " and ".join(
                f'<a rel="author" href="{self.author_path(n)}">{esc(n)}</a>' for n in art.authors
            )
            if len(art.authors) < 3
            else byline_names(art.authors)
        )
        d = when(art)
        stamp = f"{d:%B} {d.day}, {d.year} at {d:%I:%M %p} EST".replace(" 0", " ")
        tags = "".join(f'<li><a href="{self.tag_path(t)}">{esc(t)}</a></li>' for t in art.tags)
        return (
            self._head(site, art.title, self.article_path(art), self._meta(site, art))
            + self._header()
            + '<main id="main-content">\n<article class="story">\n<header class="story__header">'
            + f'<a class="story__kicker" href="{self.section_path(art.section)}">{esc(self.sections[art.section])}</a>\n'
            + f'<h1 class="story__headline">{esc(art.title)}</h1>\n'
            + f'<div class="story__meta"><span class="byline">By {authors}</span> '
            + f'<time datetime="{self.published_iso(art.published)}">{stamp}</time> '
            + f'<a href="#comments" class="comment-count">{len(self.comments(site, art))} comments</a></div></header>\n'
            + self._figure(art)
            + f'<div class="story__body">\n{self._body(site, art)}\n</div>\n'
            + f'<footer class="story__footer"><ul class="story__tags">{tags}</ul>'
            + '<div class="share-tools">Share: <a href="https://www.facebook.com/sharer/sharer.php">Facebook</a> '
            + '<a href="https://twitter.com/intent/tweet">X</a> <a href="mailto:?subject=From%20The%20Daily%20Example">Email</a></div></footer>\n'
            + "</article>\n"
            + self._newsletter()
            + self._read_more(site, art)
            + self._comments(site, art)
            + "</main>\n"
            + self._footer(site)
        )

    def _cards(self, site: Site, items: tuple[Article, ...] | list[Article], track: bool) -> str:
        q = "?utm_source=homepage&utm_medium=web" if track else ""
        return "".join(
            f'<div class="card"><a href="{site.href(a)}{q}"><h3>{esc(a.title)}</h3></a>'
            f'<p class="card__dek">{esc(a.paragraphs[0][:140])}…</p><p class="card__meta">{esc(byline_names(a.authors))} · '
            f'{when(a):%b %d} · <a href="{site.href(a)}#comments">Comments</a></p></div>\n'
            for a in items
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        heading = {"latest": "Latest news", "tag": f"Topic: {listing.heading}"}.get(
            listing.kind, listing.heading
        )
        pager = ""
        if listing.page < listing.total_pages:
            pager += f'<a class="pager__next" rel="next" href="{listing.page_paths[listing.page]}">Older stories</a>'
        if listing.page > 1:
            pager += f'<a class="pager__prev" rel="prev" href="{listing.page_paths[listing.page - 2]}">Newer stories</a>'
        return (
            self._head(
                site,
                heading if listing.page == 1 else f"{heading} – Page {listing.page}",
                listing.path,
            )
            + self._header()
            + f'<main id="main-content"><h1 class="section-title">{esc(heading)}</h1>\n<div class="river">\n'
            + self._cards(site, listing.items, False)
            + f'</div><nav class="pager">{pager}</nav>\n'
            + self._newsletter()
            + "</main>\n"
            + self._footer(site)
        )

    def render_home(self, site: Site) -> str:
        return (
            self._head(site, "Local news, business, sports and culture", "/")
            + self._header()
            + '<main id="main-content"><section class="top-stories"><h2>Top stories</h2>\n'
            + self._cards(site, site.latest(6), True)
            + '</section><a href="/latest/">More news</a>\n'
            + self._newsletter()
            + "</main>\n"
            + self._footer(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        def simple(title: str, path: str, inner: str) -> str:
            return (
                self._head(site, title, path)
                + self._header()
                + f"<main>{inner}</main>\n"
                + self._footer(site)
            )

        return {
            "/about/": (
                simple(
                    "About us",
                    "/about/",
                    "<h1>About us</h1><p>The Daily Example has covered the Riverton area since 1921.</p>",
                ),
                "other",
            ),
            "/privacy/": (
                simple(
                    "Privacy Policy",
                    "/privacy/",
                    "<h1>Privacy Policy</h1><p>This policy explains what we collect.</p>",
                ),
                "other",
            ),
            "/account/login/": (
                simple(
                    "Sign in", "/account/login/", '<form method="post"><input name="email"></form>'
                ),
                "disallowed",
            ),
            "/search": (simple("Search", "/search", "<h1>Search results</h1>"), "disallowed"),
        }

    def robots_txt(self, site: Site) -> str:
        return (
            "User-agent: *\nDisallow: /account/\nDisallow: /search\nDisallow: /newsletter/\n\n"
            "User-agent: GPTBot\nDisallow: /\n"
        )

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/assets/logo.png": (assets.png(8, 2), "image/png"),
            "/media/media-kit-2025.pdf": (
                assets.pdf("The Daily Example media kit 2025"),
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
        teasers = [
            x for a in site.pick(art, 3, "readmore") for x in (a.title, a.paragraphs[0][:120])
        ]
        remarks = [x for pair in self.comments(site, art) for x in pair]
        return (
            COOKIE,
            "Accept all",
            "Advertisement",
            "Read more:",
            self.inline_related(site, art).title,
            NEWSLETTER,
            "Sign up",
            FOLLOW,
            "All rights reserved",
            "Comments (",
            "Subscribe",
            *teasers,
            *remarks,
        )
