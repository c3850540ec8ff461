"""Fault injection for the exit-status tests: a spider middleware that raises on "/boom" pages.

Used only from tests (``-s SPIDER_MIDDLEWARES=...``): it produces real spider errors, which is
what CLOSESPIDER_ERRORCOUNT counts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any


class BoomError(RuntimeError):
    """The injected fault."""


class RaiseOnBoomMiddleware:
    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        if "/boom" in response.url:
            raise BoomError(f"injected fault on {response.url}")
        async for item in result:
            yield item

    def process_spider_output(self, response: Any, result: Any) -> Any:
        if "/boom" in response.url:
            raise BoomError(f"injected fault on {response.url}")
        yield from result
