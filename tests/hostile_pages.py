"""HTML for the hostile-web tests: plain articles, and pages built to hurt."""

from __future__ import annotations

import gzip
import html

FILLER = (
    "The council met on Tuesday evening to discuss the new budget for the coming year, "
    "and members debated the proposals for several hours before reaching a decision."
)


def article_html(
    title: str,
    paragraphs: list[str] | None = None,
    meta_charset: str | None = None,
    head_extra: str = "",
    lang: str = "en",
) -> str:
    """A page every reader takes for a news article (headline, date, several paragraphs)."""
    paragraphs = paragraphs or [f"{FILLER} ({title}, part {i})" for i in range(6)]
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    charset = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{charset}
<title>{html.escape(title)}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-02T08:00:00Z">
{head_extra}
</head><body>
<article><h1>{html.escape(title)}</h1>
<time datetime="2024-05-02T08:00:00Z">2 May 2024</time>
{body}
</article></body></html>"""


def listing_html(links: list[str]) -> str:
    items = "\n".join(f'<li><a href="{u}">Link {i}</a></li>' for i, u in enumerate(links))
    return (
        f"<!DOCTYPE html><html><head><title>Home</title></head><body><ul>{items}</ul></body></html>"
    )


def deep_nesting(levels: int = 300) -> str:
    inner = "<p>" + FILLER + "</p>"
    return "<html><body>" + "<div>" * levels + inner + "</div>" * levels + "</body></html>"


def many_paragraphs(count: int = 100_000) -> str:
    body = "".join(f"<p>Item {i} text.</p>" for i in range(count))
    return f"<html><head><title>Many</title></head><body><article>{body}</article></body></html>"


def huge_text_node(megabytes: int = 15) -> str:
    text = ("lorem ipsum dolor sit amet " * 40 + "\n") * (megabytes * 1024 * 1024 // 1081)
    return f"<html><body><article><p>{text}</p></article></body></html>"


def gzip_bomb(megabytes: int = 64) -> bytes:
    return gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9)
