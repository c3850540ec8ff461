"""Scrapy's meta-refresh redirects, without decoding every page to look for one.

Scrapy's MetaRefreshMiddleware decodes each HTML body whole (``response.text``) to search its
first 4,096 characters for ``<meta http-equiv="refresh">``. Those characters lie within the
first 16 KiB of bytes in any ASCII-compatible encoding, where the word "refresh" is plain ASCII:
a body whose head lacks it has no meta refresh and is passed on without decoding. Bodies in
UTF-16/32 (NUL bytes in the head) get Scrapy's full check.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse

# 4,096 characters of at most 4 bytes each in UTF-8 (and fewer in the other ASCII-compatible
# encodings news pages use).
HEAD_BYTES = 4 * 4096


def may_have_meta_refresh(body: bytes) -> bool:
    """False only when the body's head certainly holds no meta refresh."""
    head = body[:HEAD_BYTES]
    return b"\x00" in head or b"refresh" in head.lower()


class CheapMetaRefreshMiddleware(MetaRefreshMiddleware):
    """MetaRefreshMiddleware that skips pages whose raw head cannot hold a meta refresh."""

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        if isinstance(response, HtmlResponse) and not may_have_meta_refresh(response.body):
            return response
        return super().process_response(request, response)
