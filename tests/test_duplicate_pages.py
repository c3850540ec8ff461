"""Many URLs serving one article end as "duplicate" rejects, not as empty bodies (issue 19,
defect 9).

A site answers 300 URLs with the same page (a CMS that ignores the path) and 20 more with the
same article in a page that differs in its chrome (a per-visitor footer line, a rotating
"most read" box), beside 6 articles of its own in the same page template. Site-template learning is on: the copies must not teach it that the article's own
lines are template. The article is delivered once; every copy is rejected as a duplicate of
it, naming it; the site's own articles are delivered with their chrome stripped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile_crawl import CrawlResult, run_crawl
from tests.hostile_pages import listing_html
from tests.hostile_server import ScriptedServer

COPIES = 300
NEAR = 20
OWN = 6

STORY = [
    "The harbour authority approved a plan on Tuesday to dredge the eastern channel.",
    "Fishing crews had complained for two winters that silt made the entrance unsafe.",
    "Work is expected to start in the spring and last about eleven weeks in total.",
    "The authority said the cost would be shared with the regional transport fund.",
    "Residents near the quay will be told of night work at least a week in advance.",
]


def page(title: str, paragraphs: list[str], chrome: str = "") -> bytes:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Times</title><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head><body>
<header><p>Harbour Times: the voice of the coast since 1901.</p></header>
<article><h1>{title}</h1><time datetime="2024-05-02T08:00:00Z">2 May 2024</time>
{body}
<p>Subscribe to the Harbour Times newsletter for the week's best local reporting.</p>
</article>{chrome}<footer><p>Copyright Harbour Times. All rights reserved.</p></footer>
</body></html>""".encode()


def own_story(number: int) -> list[str]:
    topics = ["school", "bridge", "market", "library", "ferry", "museum"]
    topic = topics[number]
    return [
        f"The town council voted on the {topic} budget late on Monday after a long debate.",
        f"Supporters of the {topic} plan said the money would last for at least a decade.",
        f"Opponents argued that the {topic} should wait until the roads were repaired.",
        f"A final decision on the {topic} contract is due at the next monthly meeting.",
    ]


@pytest.fixture(scope="module")
def site() -> Iterator[ScriptedServer]:
    server = ScriptedServer("127.0.0.1")
    paths = [f"/copy/{i}" for i in range(COPIES)] + [f"/near/{i}" for i in range(NEAR)]
    paths += [f"/own/{i}" for i in range(OWN)]
    server.routes["/"] = lambda h: h.send_body(listing_html(paths).encode())
    same = page("Harbour channel to be dredged", STORY)
    for i in range(COPIES):
        server.routes[f"/copy/{i}"] = lambda h: h.send_body(same)
    for i in range(NEAR):
        chrome = (
            f'<aside class="most-read"><ul><li><a href="/own/{i % OWN}">Most read story {i}</a>'
            f"</li></ul></aside><p>Page served to visitor {i:04d} at 10:{i:02d}.</p>"
        )
        near = page("Harbour channel to be dredged", STORY, chrome)
        server.routes[f"/near/{i}"] = lambda h, near=near: h.send_body(near)
    for i in range(OWN):
        own = page(f"Council votes on budget item {i}", own_story(i))
        server.routes[f"/own/{i}"] = lambda h, own=own: h.send_body(own)
    yield server
    server.close()


@pytest.fixture(scope="module")
def crawl(site: ScriptedServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    tmp: Path = tmp_path_factory.mktemp("dupes")
    settings = {
        "NEWS_TEMPLATE_ENABLED": "True",
        "NEWS_TEMPLATE_STORE": str(tmp / "templates.json"),
        "NEWS_TEMPLATE_HOLD_SECONDS": "2",
        "NEWS_NEAR_DUPLICATES_ENABLED": "True",
    }
    return run_crawl(tmp, [f"{site.base}/"], settings, timeout=240)


def test_the_article_is_delivered_once_and_every_copy_is_a_duplicate(
    site: ScriptedServer, crawl: CrawlResult
) -> None:
    dredged = [i for i in crawl.items if i["title"] == "Harbour channel to be dredged"]
    assert len(dredged) == 1, [i["url"] for i in dredged]
    original = dredged[0]["url"]
    copies = [r for r in crawl.rejects if "/copy/" in r["url"] or "/near/" in r["url"]]
    reasons = Counter(r["reason"] for r in copies)
    assert len(copies) == COPIES + NEAR - 1, reasons
    assert reasons == {"duplicate": COPIES + NEAR - 1}, reasons
    assert {r.get("duplicate_of") for r in copies} == {original}


def test_the_sites_own_articles_keep_their_text_and_lose_the_chrome(
    crawl: CrawlResult,
) -> None:
    own = [i for i in crawl.items if i["url"].rsplit("/", 2)[-2] == "own"]
    assert len(own) == OWN
    for item in own:
        assert "council voted" in item["text"]
        assert "newsletter" not in item["text"]
    assert "Dredge" not in " ".join(i["text"] for i in own)
