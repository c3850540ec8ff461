"""Measure articles/s of a distributed crawl with 1 worker and with 2 workers on this machine.

    .venv/bin/python tools/redis_scaling.py [--articles 600] [--workers 1,2]

Starts a private redis-server (password, append-only, temp dir) and the generated test portal
on 127.0.0.1, seeds it, runs the workers with the test settings (no politeness delay, one
extraction process each) and reports, per run: wall seconds from start to the last exit, and
articles/s over the crawl phase (first article written to last), which leaves out start-up.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.distributed_fixtures import (  # noqa: E402
    GeneratedPortal,
    exported_urls,
    redis_server,
    seed,
    serve_portal,
    start_worker,
)


def run(workers: int, articles: int, base_dir: Path) -> dict[str, float]:
    portal = GeneratedPortal(articles=articles)
    workdir = Path(tempfile.mkdtemp(prefix=f"scaling-{workers}-", dir=base_dir))
    with redis_server(workdir / "redis") as redis, serve_portal(portal) as base:
        result = seed(redis.url, base)
        if result.returncode != 0:
            raise SystemExit(result.stderr[-2000:])
        started = time.monotonic()
        processes = [start_worker(redis.crawler_url, workdir, f"w{i}") for i in range(workers)]
        first = last = None
        count = 0
        while any(p.poll() is None for p in processes):
            now_count = len(exported_urls(workdir))
            if now_count and first is None:
                first = time.monotonic()
            if now_count > count:
                count, last = now_count, time.monotonic()
            time.sleep(0.1)
        wall = time.monotonic() - started
        count = len(set(exported_urls(workdir)))
    crawl = (last or 0) - (first or 0)
    return {
        "workers": workers,
        "articles": count,
        "wall_s": round(wall, 1),
        "crawl_s": round(crawl, 1),
        "articles_per_s": round(count / crawl, 1) if crawl else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="redis-scaling-") as tmp:
        for n in (int(w) for w in args.workers.split(",")):
            print(run(n, args.articles, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
