"""Where the reader loses precision and recall: the worst pages of a ``scrapy evaluate`` run.

    .venv/bin/python tools/worst_pages.py output/eval-items.jsonl ../shared/benchmarks/*/ \
        [--n 15] [--id PAGE_ID] [--half even|odd]

For each of the N worst pages (by F1) it prints the lines we kept that are not in the truth
(lost precision) and the truth lines we missed (lost recall).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.benchmark import load_dataset, metrics, score_page, shingles  # noqa: E402


def _foreign_lines(text: str, other: str, cjk: bool) -> list[str]:
    """Lines of ``text`` whose shingles are mostly absent from ``other``."""
    known = shingles(other, cjk)
    out = []
    for line in text.split("\n"):
        bag = shingles(line, cjk)
        if not bag:
            continue
        missing = sum(n for s, n in bag.items() if s not in known)
        if missing > 0.5 * sum(bag.values()):
            out.append(line.strip())
    return out


def _plain_texts(folder: Path) -> dict[str, str]:
    """Plain trafilatura's text per page, cached beside the items under output/."""
    cache = Path("output") / f"plain-{folder.resolve().name}.json"
    if cache.exists():
        return json.loads(cache.read_text(encoding="utf-8"))
    import trafilatura

    texts = {p.id: trafilatura.extract(p.html) or "" for p in load_dataset(folder)}
    cache.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("items", type=Path)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--n", type=int, default=15)
    parser.add_argument("--id", action="append", default=[])
    parser.add_argument("--half", choices=["even", "odd"], help="only pages of this half by index")
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument(
        "--vs-plain", action="store_true", help="rank by how much worse than plain trafilatura"
    )
    args = parser.parse_args()
    ours = {}
    with args.items.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            ours[item["id"]] = item
    for folder in args.folders:
        rows = []
        for index, page in enumerate(load_dataset(folder)):
            if args.half and index % 2 != (0 if args.half == "even" else 1):
                continue
            item = ours.get(page.id, {})
            text = item.get("text") or ""
            rows.append((score_page(page.body, text, page.chinese), page, item))
        m = metrics(r[0] for r in rows)
        print(f"== {folder.name}: P {m.precision:.3f} R {m.recall:.3f} F1 {m.f1:.3f} ({m.pages})")
        plain = _plain_texts(folder) if args.vs_plain else {}
        base = {r[1].id: score_page(r[1].body, plain.get(r[1].id, ""), r[1].chinese) for r in rows}
        if args.vs_plain:
            rows.sort(key=lambda r: r[0].f1 - base[r[1].id].f1)
        else:
            rows.sort(key=lambda r: r[0].f1)
        chosen = (
            [r for r in rows if any(r[1].id.startswith(i) for i in args.id)]
            if args.id
            else rows[: args.n]
        )
        for score, page, item in chosen:
            print(
                f"\n-- {page.id[:16]} P {score.precision:.2f} R {score.recall:.2f} "
                f"kind={item.get('kind')} {page.url or ''}"
                + (
                    f" plain P {base[page.id].precision:.2f} R {base[page.id].recall:.2f}"
                    if plain
                    else ""
                )
            )
            text = item.get("text") or ""
            for line in _foreign_lines(text, page.body, page.chinese)[:12]:
                print("  + " + line[: args.width])
            for line in _foreign_lines(page.body, text, page.chinese)[:8]:
                print("  - " + line[: args.width])


if __name__ == "__main__":
    main()
