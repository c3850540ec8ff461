"""Sweep seeds of generated portals and print the failing combinations.

    python -m tests.portalgen --seeds 0-49            # read each page directly (fast)
    python -m tests.portalgen --seeds 3,7 --crawl     # a real scrapy crawl per seed
    python -m tests.portalgen --seeds 0-9 --only delivered,no_headline_at_start

The test suite runs one fixed seed (tests/test_portalgen.py; PORTALGEN_SEED overrides it).
"""

from __future__ import annotations

import argparse
import sys

from tests.portalgen.check import CHECKS, run_checks
from tests.portalgen.run import ARTICLES_PER_SITE, SITES, crawl, read


def _seeds(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.portalgen", description=__doc__)
    parser.add_argument("--seeds", default="0-9", help="e.g. 0-49 or 3,7,11")
    parser.add_argument("--crawl", action="store_true", help="a real crawl per seed (slower)")
    parser.add_argument("--sites", type=int, default=SITES)
    parser.add_argument("--articles", type=int, default=ARTICLES_PER_SITE)
    parser.add_argument("--only", default="", help="comma-separated check names")
    args = parser.parse_args(argv)
    wanted = [n for n in args.only.split(",") if n] or [*CHECKS, "same_template_same_outcome"]
    total: dict[str, int] = {}
    for seed in _seeds(args.seeds):
        run = (crawl if args.crawl else read)(seed, args.sites, args.articles)
        failures = run_checks(run.portals, run.items)
        for name in wanted:
            for message in failures.get(name, []):
                print(f"seed {seed} {name}: {message}")
            total[name] = total.get(name, 0) + len(failures.get(name, []))
    print("failures by check:", {k: v for k, v in total.items()})
    return 1 if any(total.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
