"""Whether a finished run failed, read from its stats: cron needs a non-zero exit for it."""

from __future__ import annotations

from typing import Any

# Finish reasons that mean the run did not do its job.
FAILED_FINISH_REASONS = {
    "shutdown": "stopped by a signal before it finished",
    "closespider_errorcount": "closed after too many errors",
    "memusage_exceeded": "closed at the memory limit",
    "cancelled": "cancelled",
    "redis_unavailable": "Redis stayed unreachable (distributed crawl)",
}


def run_failure(stats: dict[str, Any]) -> str | None:
    """A one-line reason the run failed, or None when it succeeded."""
    reason = stats.get("finish_reason")
    if reason in FAILED_FINISH_REASONS:
        return FAILED_FINISH_REASONS[reason]
    if stats.get("run/startup_error"):
        return str(stats["run/startup_error"])
    if not stats.get("response_received_count") and not stats.get("redis/crawl_done"):
        return "no page was fetched"
    failed_sites = stats.get("run/failed_sites") or ", ".join(sites_that_failed(stats))
    if failed_sites:
        return f"every request failed for: {failed_sites}"
    return None


def sites_that_failed(stats: dict[str, Any]) -> list[str]:
    """Sites with failed requests and not one successful response (robots.txt aside)."""
    prefix = "spider/request_failed/"
    return sorted(
        key[len(prefix) :]
        for key, count in stats.items()
        if key.startswith(prefix)
        and count
        and not stats.get(f"spider/response_ok/{key[len(prefix) :]}")
    )
