"""Common Crawl news (issue 21, part 3): `scrapy reextract` reads CC-NEWS-shaped WARC files
(built by the tests from a local portal's pages; no test touches the network), keeps the
sites and languages asked for, and resumes an interrupted input from its progress file."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from demo.server import PortalServer
from tests.ccnews import Fetched, build_ccnews_warc, fetch
from tests.test_reextract import read_items, reextract

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ccnews(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A CC-NEWS-shaped file of an English and a Chinese portal's pages, and each page's
    host language."""
    folder = tmp_path_factory.mktemp("ccnews")
    with PortalServer() as server:
        en = server.serve("en_herald", host="127.0.0.1", seed=0)
        zh = server.serve("zh_classic", host="127.0.0.2", seed=0)
        pages: list[Fetched] = []
        languages = {}
        for portal, language in ((en, "en"), (zh, "zh")):
            urls = [portal.start_url] + [portal.article_url(a.id) for a in portal.articles[:8]]
            for url in urls:
                pages.append(fetch(url))
                languages[url] = language
    # Interleaved, as a news crawl's file holds many sites' pages.
    mixed = [p for pair in zip(pages[:9], pages[9:], strict=True) for p in pair]
    path = folder / "CC-NEWS-20261204120000-00001.warc.gz"
    build_ccnews_warc(path, mixed)
    return path, languages


def test_every_article_of_a_ccnews_file_and_a_count_for_every_other_record(
    ccnews: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, languages = ccnews
    proc = reextract([path], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(tmp_path / "items.jsonl")
    articles = {u for u in languages if not u.endswith("/")}
    assert set(items) == articles
    assert {items[u]["language"] for u in items} == {"en", "zh"}
    assert all(items[u]["warc_file"] == str(path) for u in items)
    for reason in ("revisit record", "not html", "http 404"):
        assert f"'reextract/skipped/{reason}'" in proc.stderr, reason
    for kind in ("request", "metadata", "warcinfo"):
        assert f"'reextract/other_records/{kind} record'" in proc.stderr, kind
    assert "pages/unaccounted': 0" in proc.stderr


def test_only_the_sites_and_languages_asked_for(
    ccnews: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, languages = ccnews
    sites = tmp_path / "sites.toml"
    (zh_home,) = [u for u, lang in languages.items() if lang == "zh" and u.endswith("/")]
    sites.write_text(f'[sites.zh]\nstart_urls = ["{zh_home}"]\n')
    proc = reextract([path], tmp_path, "-a", f"sites={sites}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(tmp_path / "items.jsonl")
    assert items and all(languages[u] == "zh" for u in items)
    assert "'reextract/skipped/not a listed site'" in proc.stderr

    only_en = tmp_path / "en"
    only_en.mkdir()
    proc = reextract([path], only_en, "-a", "languages=en")
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(only_en / "items.jsonl")
    assert items and all(languages[u] == "en" for u in items)
    rejects = [json.loads(line) for line in (only_en / "rejects.jsonl").open()]
    wrong = [r for r in rejects if r["reason"] == "language not wanted"]
    assert {r["url"] for r in wrong} == {u for u, lang in languages.items() if lang == "zh"} - {
        u for u in languages if u.endswith("/")
    }


def test_an_interrupted_input_resumes_where_it_stopped(
    ccnews: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, languages = ccnews
    progress = tmp_path / "progress.json"
    runs = []
    for n, extra in enumerate((["-a", "max_pages=7"], [], [])):
        work = tmp_path / f"run{n}"
        work.mkdir()
        proc = reextract([path], work, "-a", f"progress={progress}", *extra)
        assert proc.returncode == 0, proc.stderr[-3000:]
        feed = work / "items.jsonl"
        runs.append(read_items(feed) if feed.exists() else {})
        saved = json.loads(progress.read_text())["inputs"][str(path.resolve())]
        if n == 0:
            assert not saved["done"] and saved["offset"] > 0
            assert 1 <= len(runs[0]) < 16
        else:
            assert saved["done"]
    assert "already read to its end" in proc.stderr and runs[2] == {}
    assert not set(runs[0]) & set(runs[1])  # nothing read twice
    assert set(runs[0]) | set(runs[1]) == {u for u in languages if not u.endswith("/")}


@pytest.fixture
def warc_over_http(ccnews: tuple[Path, dict[str, str]]) -> Iterator[str]:
    path = ccnews[0]
    handler = functools.partial(_QuietHandler, directory=str(path.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{path.name}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_ccnews_url_is_streamed(
    ccnews: tuple[Path, dict[str, str]], warc_over_http: str, tmp_path: Path
) -> None:
    proc = reextract([warc_over_http], tmp_path)  # type: ignore[list-item]
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = read_items(tmp_path / "items.jsonl")
    assert set(items) == {u for u in ccnews[1] if not u.endswith("/")}
    assert all(i["warc_file"] == warc_over_http for i in items.values())
