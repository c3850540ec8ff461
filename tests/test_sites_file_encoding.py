"""A sites file in the encoding its editor saved is read; any other bytes are one line and exit
2 (issue 19, defect 8: a GBK file, a Chinese editor's default, gave a 29-line traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sitesfile import SitesFileError, load_sites_file
from tests.crawl_harness import ROOT, run_crawl
from tests.distributed_fixtures import GeneratedPortal, serve_portal

SITES_TOML = """\
# 本地新闻网站列表（由编辑器以默认编码保存）
[sites."本地新闻"]
start_urls = ["{base}"]
language = "en"
max_pages = 40
"""

SITES_YAML = """\
# 新闻站点
sites:
  本地新闻:
    start_urls: ["{base}"]
"""


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16", "utf-32"])
@pytest.mark.parametrize(("suffix", "template"), [(".toml", SITES_TOML), (".yaml", SITES_YAML)])
def test_a_sites_file_is_read_in_the_encodings_editors_save(
    tmp_path: Path, encoding: str, suffix: str, template: str
) -> None:
    path = tmp_path / f"sites{suffix}"
    path.write_bytes(template.format(base="http://127.0.0.1:8000/").encode(encoding))
    (site,) = load_sites_file(path)
    assert site.name == "本地新闻"
    assert site.start_urls == ["http://127.0.0.1:8000/"]


def test_bytes_in_no_known_encoding_are_one_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    # cp1252 (a Western editor's old default): 0xE9 then a newline is neither UTF-8 nor GB18030.
    path.write_bytes(
        "[sites.a]\n# Café\nstart_urls = ['http://127.0.0.1:8000/']\n".encode("cp1252")
    )
    with pytest.raises(SitesFileError, match=r"sites.toml: line 2: byte 0xe9 is not UTF-8"):
        load_sites_file(path)
    half = tmp_path / "half.toml"
    half.write_bytes(b"\xff\xfe[\x00s\x00\x00")  # a UTF-16 mark, then a cut character
    with pytest.raises(SitesFileError, match="byte order mark but is not utf-16"):
        load_sites_file(half)


def test_a_real_crawl_from_a_gbk_sites_file(tmp_path: Path) -> None:
    portal = GeneratedPortal(articles=12)
    with serve_portal(portal) as base:
        sites = tmp_path / "sites.toml"
        sites.write_bytes(SITES_TOML.format(base=base).encode("gbk"))
        result = run_crawl([], ["-a", f"sites={sites}"], workdir=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    urls = sorted(item["url"] for item in result.items)
    assert urls == sorted(f"{base}news/2024/05/{10000 + n}.html" for n in range(12))


def test_a_real_crawl_with_an_undecodable_sites_file_is_one_line_and_exit_2(
    tmp_path: Path,
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_bytes(b"[sites.a]\n# \xe9\xff\nstart_urls = ['http://127.0.0.1:9/']\n")
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={sites}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: bad sites file: {sites}: line 2: byte 0xe9 is not UTF-8 (nor GB18030 or "
        "UTF-16 with a byte order mark): save the file as UTF-8"
    ]


@pytest.mark.parametrize("name", ["sites.toml", "sites.yaml"])
def test_nesting_too_deep_for_the_parser_is_one_error_too(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("x = " + "[" * 100_000 if name.endswith(".toml") else "[" * 100_000)
    with pytest.raises(SitesFileError, match="nested too deeply"):
        load_sites_file(path)
