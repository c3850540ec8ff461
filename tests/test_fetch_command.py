"""``scrapy fetch``, ``view`` and ``shell`` fetch the URL named on their command line.

The address policy lets a run reach only origins the user named; these commands name their
URL's origin, and nothing else: a redirect to another host or to a private address is refused
with a line on stderr, as a crawl refuses it. They write nothing (no feed, state or report).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile_server import Handler, ScriptedServer
from tests.scheduled_crawl import ROOT

PAGE = b"<html><head><title>Harbour news</title></head><body><p>Ferry runs late.</p></body></html>"


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    routes = {"/story": lambda h: h.send_body(PAGE)}
    server = ScriptedServer("127.0.0.1", routes=routes)
    yield server
    server.close()


def redirect_to(target: str) -> Callable[[Handler], None]:
    return lambda h: h.send_body(b"", status=302, ctype="", headers={"Location": target})


def scrapy(command: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a scrapy command in a folder holding only the project file."""
    shutil.copy(ROOT / "scrapy.cfg", cwd / "scrapy.cfg")
    return subprocess.run(
        [sys.executable, "-m", "scrapy", command, "--nolog", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fetch_prints_the_body_of_the_named_url(server: ScriptedServer, tmp_path: Path) -> None:
    done = scrapy("fetch", server.base + "/story", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == PAGE.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scrapy.cfg"]  # nothing written


def test_shell_fetches_the_named_url(server: ScriptedServer, tmp_path: Path) -> None:
    code = "response.css('title::text').get()"
    done = scrapy("shell", server.base + "/story", "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "Harbour news"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://other.example/story", "offsite"),
        ("http://10.0.0.1/admin", "private address"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address"),
        ("other port", "loopback address"),
    ],
)
def test_a_redirect_off_the_named_url_is_refused(
    server: ScriptedServer, tmp_path: Path, target: str, reason: str
) -> None:
    elsewhere = ScriptedServer("127.0.0.1", routes={"/story": lambda h: h.send_body(PAGE)})
    try:
        if target == "other port":
            target = elsewhere.base + "/story"
        path = f"/moved-{len(server.routes)}"
        server.routes[path] = redirect_to(target)
        done = scrapy("fetch", server.base + path, cwd=tmp_path)
    finally:
        elsewhere.close()
    assert done.returncode == 1
    assert done.stdout.strip() == ""
    assert f"error: {target}: refused by the address policy ({reason})" in done.stderr
    assert elsewhere.hits == []


def test_the_same_url_unnamed_is_refused_in_a_crawl_setting(server: ScriptedServer) -> None:
    """Naming is the command's doing: the policy itself still refuses an unnamed loopback."""
    from crawler.addresspolicy import PolicyRefused, check_url

    with pytest.raises(PolicyRefused, match="loopback"):
        check_url(server.base + "/story", set())


def test_view_refuses_a_redirect_off_the_named_url(server: ScriptedServer, tmp_path: Path) -> None:
    """``scrapy view`` fetches as fetch does; refused, it opens no browser and says why."""
    server.routes["/moved-view"] = redirect_to("http://10.0.0.1/admin")
    done = scrapy("view", server.base + "/moved-view", cwd=tmp_path)
    assert done.returncode == 1
    assert "error: http://10.0.0.1/admin: refused by the address policy (private address)" in (
        done.stderr
    )
