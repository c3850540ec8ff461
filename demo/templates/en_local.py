"""Held-out template: a WordPress local news blog ("Headline – Riverton Town Gazette").

Traits: stock WordPress theme markup (`<article class="post-123 post type-post ...">`,
h1.entry-title, div.entry-content); title with an en dash; "Posted on January 24, 2025 by
Name" where only `<time datetime>` carries the clock time and offset (-06:00); Jetpack
blocks appended *inside* entry-content ("Share this:", "Like this: Loading...", "Related"
posts with excerpts); "Posted in" / "Tagged" footer; "Post navigation"; a comment thread
"3 thoughts on “Headline”" with nested replies and ?replytocom= links; "Leave a Reply" form;
sidebar Recent Posts / Archives / Categories / Meta; monthly archive pages; footer
"Proudly powered by WordPress".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

from demo import assets
from demo.model import SUBHEADING_PREFIX, Article
from demo.templates.base import Listing, Site, Template, body_extras, esc, slugify, when

SITE = "Riverton Town Gazette"
TAGLINE = "News from Riverton and Millbrook County since 1987"
OFFSET = "-06:00"
POWERED = "Proudly powered by WordPress"
REPLY_NOTE = "Your email address will not be published."
SAVE_NOTE = "Save my name, email, and website in this browser for the next time I comment."
COMMENTERS = ("Linda Paulsen", "mike_r", "Gazette Reader", "Tom Whitaker", "Janet K.", "oldtowner")
COMMENTS = (
    "Thanks for keeping us informed. You won’t read this anywhere else.",
    "I drove past there this morning and can confirm, it is a mess.",
    "Does anybody know whether the county board will vote on this before spring?",
    "My grandfather would have loved to see this happen.",
    "Same story every year and nothing changes, but I appreciate the reporting.",
    "Great write-up, sharing with my neighbors.",
)
REPLIES = (
    "Good question, we will follow up once the agenda is posted.",
    "Agreed, thanks for reading!",
)


def names(authors: tuple[str, ...]) -> str:
    return authors[0] if len(authors) == 1 else ", ".join(authors[:-1]) + " and " + authors[-1]


def long_date(d: datetime) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def wp_time(d: datetime) -> str:
    return f"{d.hour % 12 or 12}:{d:%M} {'am' if d.hour < 12 else 'pm'}"


def excerpt(text: str, words: int = 24) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]) + "…"


class EnLocal(Template):
    """WordPress blog "Riverton Town Gazette": Jetpack blocks inside entry-content, comments."""

    name: ClassVar[str] = "en_local"
    language: ClassVar[str] = "en"
    site_name: ClassVar[str] = SITE
    shows_figures: ClassVar[bool] = True
    sections: ClassVar[dict[str, str]] = {
        "local": "Local News",
        "economy": "Business",
        "tech": "Tech",
        "sports": "Sports",
        "culture": "Arts & Entertainment",
    }
    content_type: ClassVar[str] = "text/html; charset=UTF-8"

    # -- URL shapes -------------------------------------------------------------------
    def article_path(self, art: Article) -> str:
        return f"/{when(art):%Y/%m}/{slugify(art.title, 7)}/"

    def section_path(self, section: str, page: int = 1) -> str:
        base = f"/category/{slugify(self.sections[section])}/"
        return base if page == 1 else f"{base}page/{page}/"

    def latest_path(self, page: int = 1) -> str:
        return "/news/" if page == 1 else f"/news/page/{page}/"

    def tag_path(self, tag: str) -> str:
        return f"/tag/{slugify(tag)}/"

    def author_path(self, author: str) -> str:
        first, *rest = author.lower().split()
        return f"/author/{first[0]}{''.join(rest) or first}/"

    def month_path(self, d: datetime) -> str:
        return f"/{d:%Y/%m}/"

    def published_iso(self, local: str) -> str:
        return f"{local}:00{OFFSET}"

    # -- text pieces --------------------------------------------------------------------
    def post_id(self, art: Article) -> int:
        return 1400 + art.id * 7

    def comments(self, site: Site, art: Article) -> list[tuple[str, str, datetime, int]]:
        """(name, text, when, depth) in thread order; 0 to 4 comments."""
        rng = site.rng(f"wp-comments:{art.id}")
        count = rng.randint(0, 4)
        out: list[tuple[str, str, datetime, int]] = []
        t = when(art)
        for i in range(count):
            t += timedelta(minutes=rng.randint(20, 400))
            out.append((rng.choice(COMMENTERS), rng.choice(COMMENTS), t, 0))
            if i == 0 and count > 1:
                t += timedelta(minutes=rng.randint(10, 90))
                out.append((art.authors[0], rng.choice(REPLIES), t, 1))
        return out

    def comments_title(self, art: Article, n: int) -> str:
        lead = "One thought" if n == 1 else f"{n} thoughts"
        return f"{lead} on “{art.title}”"

    def related(self, site: Site, art: Article) -> list[Article]:
        return site.pick(art, 3, "jp-related")

    def caption(self, art: Article) -> str:
        assert art.image
        credit = f" ({art.image.credit})" if art.image.credit else ""
        return art.image.caption + credit

    # -- page parts -------------------------------------------------------------------
    def _head(self, site: Site, title: str, path: str, extra: str = "") -> str:
        return (
            '<!doctype html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="profile" href="https://gmpg.org/xfn/11">\n'
            f"<title>{esc(title)}</title>\n"
            "<meta name='robots' content='max-image-preview:large' />\n"
            f'<link rel="canonical" href="{site.url(path)}" />\n{extra}'
            '<meta name="generator" content="WordPress 6.7.1" />\n'
            "<link rel='stylesheet' id='wp-block-library-css' href='/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1' media='all' />\n"
            "<link rel='stylesheet' id='twentysixteen-style-css' href='/wp-content/themes/twentysixteen/style.css?ver=20241112' media='all' />\n"
            "<script src='https://stats.wp-example.com/e-202504.js' defer></script>\n"
            "</head>\n"
        )

    def _masthead(self, body_class: str) -> str:
        menu = "".join(
            f'<li class="menu-item menu-item-type-taxonomy"><a href="{self.section_path(s)}">{esc(n)}</a></li>'
            for s, n in self.sections.items()
        )
        return (
            f'<body class="{body_class} wp-embed-responsive">\n<div id="page" class="site">\n'
            '<a class="skip-link screen-reader-text" href="#content">Skip to content</a>\n'
            '<header id="masthead" class="site-header">\n<div class="site-branding">'
            '<a href="/" class="custom-logo-link" rel="home"><img src="/wp-content/uploads/2023/05/gazette-logo.png" class="custom-logo" alt=""></a>'
            f'<p class="site-title"><a href="/" rel="home">{SITE}</a></p>'
            f'<p class="site-description">{TAGLINE}</p></div>\n'
            '<nav id="site-navigation" class="main-navigation" aria-label="Primary Menu">'
            f'<ul id="menu-primary" class="primary-menu"><li class="menu-item"><a href="/">Home</a></li>{menu}'
            '<li class="menu-item"><a href="/about/">About</a></li></ul></nav>\n</header>\n'
            '<div id="content" class="site-content">\n'
        )

    def _sidebar(self, site: Site) -> str:
        recent = "".join(
            f'<li><a href="{site.href(a)}">{esc(a.title)}</a></li>' for a in site.latest(5)
        )
        months = sorted({when(a).replace(day=1) for a in site.articles}, reverse=True)
        archives = "".join(
            f'<li><a href="{self.month_path(m)}">{m:%B} {m.year}</a></li>' for m in months
        )
        cats = "".join(
            f'<li class="cat-item"><a href="{self.section_path(s)}">{esc(self.sections[s])}</a></li>'
            for s in site.sections()
        )
        return (
            '<aside id="secondary" class="sidebar widget-area">\n'
            '<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="/">'
            '<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" name="s"></label>'
            '<button type="submit" class="search-submit">Search</button></form></section>\n'
            f'<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>\n'
            f'<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{archives}</ul></section>\n'
            f'<section id="categories-2" class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{cats}</ul></section>\n'
            '<section id="meta-2" class="widget widget_meta"><h2 class="widget-title">Meta</h2><ul>'
            '<li><a href="/wp-login.php">Log in</a></li>'
            '<li><a href="https://wordpress.org/">WordPress.org</a></li></ul></section>\n'
            "</aside>\n"
        )

    def _footer(self, site: Site) -> str:
        partners = " ".join(f'<a href="{esc(u)}">{esc(lbl)}</a>' for lbl, u in site.partner_links)
        return (
            '</div><!-- .site-content -->\n<footer id="colophon" class="site-footer">\n'
            f'<div class="site-info"><span class="site-title"><a href="/" rel="home">{SITE}</a></span> '
            f'<a href="https://wordpress.org/" class="imprint">{POWERED}</a></div>\n'
            f'<div class="footer-partners">{partners} <a href="https://www.millbrook-county-example.gov/">Millbrook County</a></div>\n'
            "</footer>\n</div><!-- .site -->\n"
            "<script src='/wp-includes/js/comment-reply.min.js?ver=6.7.1' id='comment-reply-js' async></script>\n"
            "</body>\n</html>\n"
        )

    def _posted_on(self, art: Article) -> str:
        d = when(art)
        mod = datetime.fromisoformat(art.modified) if art.modified else d
        cards = [
            f'<span class="author vcard"><a class="url fn n" href="{self.author_path(n)}">{esc(n)}</a></span>'
            for n in art.authors
        ]
        authors = cards[0] if len(cards) == 1 else ", ".join(cards[:-1]) + " and " + cards[-1]
        if art.modified:
            stamps = (
                f'<time class="entry-date published" datetime="{self.published_iso(art.published)}">{long_date(d)}</time>'
                f'<time class="updated" datetime="{self.published_iso(art.modified)}">{long_date(mod)}</time>'
            )
        else:
            stamps = f'<time class="entry-date published updated" datetime="{self.published_iso(art.published)}">{long_date(d)}</time>'

        return (
            '<span class="posted-on">Posted on <a href="'
            + self.article_path(art)
            + f'" rel="bookmark">{stamps}</a></span>'
            + f'<span class="byline"> by {authors}</span>'
        )

    def _content(self, site: Site, art: Article) -> str:
        out = []
        for i, line in enumerate(art.body):
            out.extend(body_extras(art, i - 1))  # figures, table after the previous paragraph
            if line.startswith(SUBHEADING_PREFIX):
                out.append(
                    f'<h3 class="wp-block-heading">{esc(line[len(SUBHEADING_PREFIX) :])}</h3>'
                )
            else:
                out.append(f"<p>{esc(line)}</p>")
            if i == 0 and art.image:
                out.append(
                    f'<figure class="wp-block-image size-large"><img decoding="async" src="{art.image.path}" '
                    f'alt="" class="wp-image-{self.post_id(art) + 1}"/>'
                    f'<figcaption class="wp-element-caption">{esc(self.caption(art))}</figcaption></figure>'
                )
        url = site.url(self.article_path(art))
        out.append(
            '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">'
            '<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>'
            f'<li class="share-twitter"><a rel="nofollow noopener noreferrer" class="share-twitter sd-button" href="https://twitter.com/intent/tweet?url={url}" target="_blank"><span>Twitter</span></a></li>'
            f'<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button" href="https://www.facebook.com/sharer.php?u={url}" target="_blank"><span>Facebook</span></a></li>'
            '<li class="share-end"></li></ul></div></div></div>'
        )
        out.append(
            "<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded'>"
            '<h3 class="sd-title">Like this:</h3><div class="likes-widget-placeholder post-likes-widget-placeholder">'
            '<span class="button"><span>Like</span></span> <span class="loading">Loading...</span></div>'
            "<span class='sd-text-color'></span><a class='sd-link-color'></a></div>"
        )
        items = "".join(
            f'<div class="jp-relatedposts-post jp-relatedposts-post{i}" data-post-id="{self.post_id(a)}">'
            f'<h4 class="jp-relatedposts-post-title"><a class="jp-relatedposts-post-a" href="{site.href(a)}">{esc(a.title)}</a></h4>'
            f'<p class="jp-relatedposts-post-excerpt">{esc(excerpt(a.paragraphs[0]))}</p>'
            f'<p class="jp-relatedposts-post-date">{long_date(when(a))}</p>'
            f'<p class="jp-relatedposts-post-context">In &quot;{esc(self.sections[a.section])}&quot;</p></div>'
            for i, a in enumerate(self.related(site, art))
        )
        out.append(
            "<div id='jp-relatedposts' class='jp-relatedposts'>"
            '<h3 class="jp-relatedposts-headline"><em>Related</em></h3>'
            f'<div class="jp-relatedposts-items jp-relatedposts-items-visual">{items}</div></div>'
        )
        return "\n".join(out)

    def _comments(self, site: Site, art: Article) -> str:
        thread = self.comments(site, art)
        permalink = self.article_path(art)
        parts = []
        if thread:
            items = []
            for n, (who, text, t, depth) in enumerate(thread):
                cid = self.post_id(art) * 10 + n
                item = (
                    f'<li id="comment-{cid}" class="comment depth-{depth + 1}">'
                    f'<article id="div-comment-{cid}" class="comment-body"><footer class="comment-meta">'
                    f'<div class="comment-author vcard"><b class="fn">{esc(who)}</b> <span class="says">says:</span></div>'
                    f'<div class="comment-metadata"><a href="{permalink}#comment-{cid}"><time datetime="{t:%Y-%m-%dT%H:%M:00}{OFFSET}">'
                    f"{long_date(t)} at {wp_time(t)}</time></a></div></footer>"
                    f'<div class="comment-content"><p>{esc(text)}</p></div>'
                    f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{permalink}?replytocom={cid}#respond" '
                    f'aria-label="Reply to {esc(who)}">Reply</a></div></article>'
                )
                if depth:
                    items[-1] = (
                        items[-1].removesuffix("</li>")
                        + f'<ol class="children">{item}</li></ol></li>'
                    )
                else:
                    items.append(item + "</li>")
            parts.append(
                f'<h2 class="comments-title">{esc(self.comments_title(art, len(thread)))}</h2>\n'
                f'<ol class="comment-list">\n{"".join(items)}\n</ol>\n'
            )
        parts.append(
            '<div id="respond" class="comment-respond"><h2 id="reply-title" class="comment-reply-title">Leave a Reply '
            '<small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">Cancel reply</a></small></h2>'
            '<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">'
            f'<p class="comment-notes"><span id="email-notes">{REPLY_NOTE}</span> '
            '<span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>'
            '<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> '
            '<textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text"></p>'
            '<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email"></p>'
            '<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url" type="url"></p>'
            '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes"> '
            f'<label for="wp-comment-cookies-consent">{SAVE_NOTE}</label></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"> '
            f'<input type="hidden" name="comment_post_ID" value="{self.post_id(art)}" id="comment_post_ID"></p></form></div>\n'
        )
        return '<div id="comments" class="comments-area">\n' + "".join(parts) + "</div>\n"

    # -- pages ------------------------------------------------------------------------
    def render_article(self, site: Site, art: Article) -> str:
        path = self.article_path(art)
        sec = art.section
        meta = (
            f'<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/{self.post_id(art)}" />\n'
            f"<link rel='shortlink' href='{site.url('/')}?p={self.post_id(art)}' />\n"
        )
        older, newer = site.neighbours(art)
        nav = ""
        if older:
            nav += (
                f'<div class="nav-previous"><a href="{site.href(older)}" rel="prev"><span class="meta-nav">Previous Post</span> '
                f'<span class="post-title">{esc(older.title)}</span></a></div>'
            )
        if newer:
            nav += (
                f'<div class="nav-next"><a href="{site.href(newer)}" rel="next"><span class="meta-nav">Next Post</span> '
                f'<span class="post-title">{esc(newer.title)}</span></a></div>'
            )
        tags = ", ".join(f'<a href="{self.tag_path(t)}" rel="tag">{esc(t)}</a>' for t in art.tags)
        pid = self.post_id(art)
        classes = (
            f"post-{pid} post type-post status-publish format-standard hentry category-{slugify(self.sections[sec])}"
            + "".join(f" tag-{slugify(t)}" for t in art.tags)
        )
        return (
            self._head(site, f"{art.title} – {SITE}", path, meta)
            + self._masthead(
                f"post-template-default single single-post postid-{pid} single-format-standard"
            )
            + '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
            + f'<article id="post-{pid}" class="{classes}">\n'
            + f'<header class="entry-header"><h1 class="entry-title">{esc(art.title)}</h1>'
            + f'<div class="entry-meta">{self._posted_on(art)}</div></header>\n'
            + f'<div class="entry-content">\n{self._content(site, art)}\n</div><!-- .entry-content -->\n'
            + '<footer class="entry-footer">'
            + f'<span class="cat-links">Posted in <a href="{self.section_path(sec)}" rel="category tag">{esc(self.sections[sec])}</a></span> '
            + f'<span class="tags-links">Tagged {tags}</span></footer>\n'
            + "</article>\n"
            + '<nav class="navigation post-navigation" aria-label="Posts"><h2 class="screen-reader-text">Post navigation</h2>'
            + f'<div class="nav-links">{nav}</div></nav>\n'
            + self._comments(site, art)
            + "</main></div>\n"
            + self._sidebar(site)
            + self._footer(site)
        )

    def _archive(
        self, site: Site, title: str, path: str, heading: str, items: Iterable[Article], pager: str
    ) -> str:
        posts = "".join(
            f'<article id="post-{self.post_id(a)}" class="post-{self.post_id(a)} post type-post status-publish hentry">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{site.href(a)}" rel="bookmark">{esc(a.title)}</a></h2>'
            f'<div class="entry-meta">{self._posted_on(a)}</div></header>'
            f'<div class="entry-summary"><p>{esc(excerpt(a.paragraphs[0], 40))} […]</p></div>'
            f'<a class="more-link" href="{site.href(a)}">Continue reading<span class="screen-reader-text"> “{esc(a.title)}”</span></a>'
            "</article>\n"
            for a in items
        )
        return (
            self._head(site, f"{title} – {SITE}", path)
            + self._masthead("archive")
            + '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
            + f'<header class="page-header"><h1 class="page-title">{heading}</h1></header>\n'
            + posts
            + pager
            + "</main></div>\n"
            + self._sidebar(site)
            + self._footer(site)
        )

    def render_listing(self, site: Site, listing: Listing) -> str:
        label = {
            "latest": "News",
            "section": f"Category: {listing.heading}",
            "tag": f"Tag: {listing.heading}",
            "author": f"Author: {listing.heading}",
        }[listing.kind]
        heading = {
            "latest": "News",
            "section": f"Category: <span>{esc(listing.heading)}</span>",
            "tag": f"Tag: <span>{esc(listing.heading)}</span>",
            "author": f'Author: <span class="vcard">{esc(listing.heading)}</span>',
        }[listing.kind]
        title = label if listing.page == 1 else f"{label} – Page {listing.page}"
        links = ""
        if listing.page < listing.total_pages:
            links += f'<div class="nav-previous"><a href="{listing.page_paths[listing.page]}">Older posts</a></div>'
        if listing.page > 1:
            links += f'<div class="nav-next"><a href="{listing.page_paths[listing.page - 2]}">Newer posts</a></div>'
        pager = (
            f'<nav class="navigation posts-navigation" aria-label="Posts"><div class="nav-links">{links}</div></nav>\n'
            if links
            else ""
        )
        return self._archive(site, title, listing.path, heading, listing.items, pager)

    def render_home(self, site: Site) -> str:
        lead = site.latest(1)
        featured = (
            f'<section class="featured"><h2 class="entry-title"><a href="{site.href(lead[0])}">{esc(lead[0].title)}</a></h2>'
            f"<p>{esc(excerpt(lead[0].paragraphs[0], 50))}</p></section>\n"
            if lead
            else ""
        )
        latest = "".join(
            f'<li><a href="{site.href(a)}">{esc(a.title)}</a> <span class="posted-on">{long_date(when(a))}</span></li>'
            for a in site.latest(8)[1:]
        )
        return (
            self._head(site, f"{SITE} – {TAGLINE}", "/")
            + self._masthead("home page-template-default page")
            + '<div id="primary" class="content-area"><main id="main" class="site-main">\n'
            + featured
            + f'<section class="latest-news"><h2>Latest News</h2><ul>{latest}</ul><a href="/news/">More news »</a></section>\n'
            + "</main></div>\n"
            + self._sidebar(site)
            + self._footer(site)
        )

    def extra_pages(self, site: Site) -> dict[str, tuple[str, str]]:
        pages: dict[str, tuple[str, str]] = {}
        by_month: dict[str, list[Article]] = {}
        for a in site.articles:
            by_month.setdefault(self.month_path(when(a)), []).append(a)
        for path, items in by_month.items():
            d = when(items[0])
            heading = f"Month: <span>{d:%B} {d.year}</span>"
            pages[path] = (
                self._archive(site, f"{d:%B} {d.year}", path, heading, items, ""),
                "listing",
            )
        pages["/about/"] = (
            self._head(site, f"About – {SITE}", "/about/")
            + self._masthead("page")
            + '<main id="main"><h1 class="entry-title">About</h1><div class="entry-content">'
            + "<p>The Gazette is an independent, reader-supported news site.</p></div></main>\n"
            + self._footer(site),
            "other",
        )
        pages["/wp-login.php"] = (
            self._head(site, f"Log In ‹ {SITE} — WordPress", "/wp-login.php")
            + '<body class="login"><form name="loginform" id="loginform" action="/wp-login.php" method="post">'
            + '<input type="text" name="log"><input type="password" name="pwd"></form></body></html>\n',
            "disallowed",
        )
        return pages

    def robots_txt(self, site: Site) -> str:
        return (
            "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
            "Disallow: /wp-login.php\n"
        )

    def media(self, site: Site) -> dict[str, tuple[bytes, str]]:
        files: dict[str, tuple[bytes, str]] = {
            "/wp-content/uploads/2023/05/gazette-logo.png": (assets.png(), "image/png"),
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
        thread = self.comments(site, art)
        said = [x for who, text, _, _ in thread for x in (who, text)]
        if thread:
            said.append(self.comments_title(art, len(thread)))
        related = [x for a in self.related(site, art) for x in (a.title, excerpt(a.paragraphs[0]))]
        recent = [a.title for a in site.latest(5) if a is not art]
        older, newer = site.neighbours(art)
        around = [a.title for a in (older, newer) if a]
        caption = [self.caption(art)] if art.image else []
        return (
            TAGLINE,
            f"Posted on {long_date(when(art))} by {names(art.authors)}",
            "Posted in",
            "Share this:",
            "Like this:",
            "Loading...",
            "Post navigation",
            "Leave a Reply",
            "Cancel reply",
            REPLY_NOTE,
            SAVE_NOTE,
            "Recent Posts",
            "Archives",
            "Search for:",
            "Log in",
            POWERED,
            *caption,
            *said,
            *related,
            *recent,
            *around,
        )
