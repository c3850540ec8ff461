"""Short, stable reasons for requests that ended without a page (for stats and rejects)."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from twisted.internet import error as tx_error

from crawler.addresspolicy import policy_refusal

# (exception types, reason): the first match names the failure.
_BY_TYPE: list[tuple[tuple[type[BaseException], ...], str]] = [
    ((DownloadTimeoutError, tx_error.TimeoutError), "download timeout"),
    ((ResponseDataLossError,), "truncated response"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns lookup failed"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection refused"),
    (
        (DownloadFailedError, tx_error.ConnectionLost, tx_error.ConnectionDone),
        "connection lost",
    ),
    ((UnsupportedURLSchemeError,), "unsupported scheme"),
    ((tx_error.ConnectError,), "connection failed"),
]
# IgnoreRequest messages Scrapy's own middlewares use, and the reason they stand for.
_BY_MESSAGE = [
    ("larger than download max size", "too large"),
    ("exceeded download_maxsize", "too large"),
    ("max redirections reached", "too many redirects"),
    ("forbidden by robots.txt", "robots.txt disallowed"),
    ("robots.txt unavailable", "robots.txt unavailable"),
    ("not in the archive", "not in the archive"),  # a re-extraction (crawler.archive.answer)
]


def failure_reason(exc: BaseException, url: str) -> str:
    """The reason a request failed, e.g. "refused: loopback address" or "download timeout"."""
    refused = policy_refusal(exc, url)
    if refused is not None:
        return f"refused: {refused.reason}"
    message = str(exc).lower()
    if isinstance(exc, (IgnoreRequest, DownloadCancelledError)):
        for needle, reason in _BY_MESSAGE:
            if needle in message:
                return reason
    for types, reason in _BY_TYPE:
        if isinstance(exc, types):
            return reason
    if "data loss" in message or "datalos" in message:
        return "truncated response"
    return f"download failed: {type(exc).__name__}"
