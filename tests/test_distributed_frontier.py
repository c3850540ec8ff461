"""The shared frontier's Redis scripts and the JSON queue format, against a real redis-server."""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_client
import scrapy
from scrapy.settings import Settings

from crawler.distributed import scripts
from crawler.distributed.codec import BadPayload, request_from_json, request_to_json
from crawler.distributed.connection import Guard, RetryPolicy, connect, redis_url
from crawler.distributed.frontier import OVER_BUDGET, QUEUED, SEEN, Frontier
from crawler.distributed.keys import CrawlKeys
from crawler.spiders.news import NewsSpider
from tests.distributed_fixtures import RedisServer, redis_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as started:
        yield started


@pytest.fixture
def frontier(server: RedisServer, request: pytest.FixtureRequest) -> Frontier:
    client = connect(server.url, Settings({"NEWS_REDIS_SOCKET_TIMEOUT": 5}))
    keys = CrawlKeys(f"t-{request.node.name}")
    front = Frontier(client, keys, Guard(RetryPolicy(give_up=5)))
    front.reset()
    return front


def spider() -> NewsSpider:
    news = NewsSpider(start_urls="http://127.0.0.1:8000/")
    news.sites = []
    return news


def test_a_popped_request_is_leased_and_comes_back_when_the_lease_expires(
    frontier: Frontier,
) -> None:
    assert frontier.push('{"url":"http://a/1"}', 0, "fp1") == QUEUED
    lease = frontier.pop(lease_ms=60_000, worker="w1")
    assert lease is not None and lease.payload == '{"url":"http://a/1"}'
    status = frontier.status()
    assert (status.queued, status.leased) == (0, 1)  # leased, not deleted
    assert frontier.reap(max_attempts=3) == (0, 0)  # not expired yet
    assert frontier.renew([lease.id], 1) == []  # now its deadline is a millisecond away
    time.sleep(0.05)
    assert frontier.reap(max_attempts=3) == (1, 0)
    again = frontier.pop(lease_ms=10_000, worker="w2")
    assert again is not None and json.loads(again.payload)["attempts"] == 1
    # The seen set did not stop the expired request from being crawled again.
    assert frontier.ack(again.id) is True
    assert frontier.ack(lease.id) is False  # the first worker's lease is long gone
    assert frontier.status().leased == 0


def test_renewed_leases_do_not_expire_and_lost_ones_are_reported(frontier: Frontier) -> None:
    frontier.push('{"url":"http://a/1"}', 0, "fp1")
    lease = frontier.pop(lease_ms=1, worker="w1")
    assert lease is not None
    time.sleep(0.05)  # its deadline has passed, but no worker has taken it back yet
    for _ in range(3):
        assert frontier.renew([lease.id], 60_000) == []
    assert frontier.reap(max_attempts=3) == (0, 0)  # the renewal moved the deadline on
    assert frontier.renew(["w9:404"], 300) == ["w9:404"]


def test_a_request_that_keeps_expiring_is_given_up(frontier: Frontier) -> None:
    frontier.push('{"url":"http://a/poison"}', 0, "fp")
    for _ in range(3):
        assert frontier.pop(lease_ms=1, worker="w") is not None
        time.sleep(0.01)
        frontier.reap(max_attempts=2)
    status = frontier.status()
    assert (status.queued, status.leased, status.dead) == (0, 0, 1)


def test_push_filters_seen_keeps_the_budget_and_releases_the_parent_in_one_step(
    frontier: Frontier,
) -> None:
    assert frontier.push("a", 0, "fp-a", site="s", budget=2) == QUEUED
    assert frontier.push("a-again", 0, "fp-a", site="s", budget=2) == SEEN
    assert frontier.push("b", 0, "fp-b", site="s", budget=2) == QUEUED
    assert frontier.push("c", 0, "fp-c", site="s", budget=2) == OVER_BUDGET
    parent = frontier.pop(lease_ms=10_000, worker="w")
    assert parent is not None
    # A redirect/retry: the new request is queued and the parent's lease released together.
    assert frontier.push("redirected", 5, "", release=parent.id) == QUEUED
    status = frontier.status()
    assert (status.queued, status.leased) == (2, 0)
    top = frontier.pop(lease_ms=10_000, worker="w")
    assert top is not None and top.payload == "redirected"  # higher priority first


def test_queue_entries_are_json_and_never_unpickled() -> None:
    news = spider()
    request = scrapy.Request(
        "http://127.0.0.1:8000/a.html",
        callback=news.parse,
        errback=news.failed,
        cb_kwargs={"site_name": "127.0.0.1:8000"},
        meta={"depth": 2, "download_slot": "x", "news_lease": "w:1"},
        priority=-1,
    )
    text = request_to_json(request)
    record = json.loads(text)
    assert record["callback"] == "parse" and record["meta"] == {"depth": 2}
    back = request_from_json(text, news)
    assert back.url == request.url and back.callback == news.parse
    assert back.cb_kwargs == {"site_name": "127.0.0.1:8000"} and back.priority == -1
    with pytest.raises(BadPayload):
        request_from_json(pickle.dumps({"url": "http://x/"}).decode("latin-1"), news)
    with pytest.raises(BadPayload, match="unknown callback"):
        request_from_json('{"v":1,"url":"http://x/","callback":"__init__"}', news)
    with pytest.raises(BadPayload):
        request_from_json('{"url":"javascript:alert(1)"}', news)


def test_shared_rate_limit_spaces_requests_to_a_host(server: RedisServer) -> None:
    client = server.client()
    rate = client.register_script(scripts.RATE)
    key, other, short = "t-rate:127.0.0.1:9", "t-rate:127.0.0.2:9", "t-rate:127.0.0.3:9"
    client.delete(key, other, short)
    assert rate([key], [60_000, "w1"]) == 0  # first request to the host: go
    held_ms = rate([key], [60_000, "w2"])  # any worker, after it: held for the rest of the minute
    assert 0 < held_ms <= 60_000  # the script's answer, bounded by the interval it was given
    assert rate([other], [60_000, "w2"]) == 0  # another host is not held up
    # Once the interval is over (Redis expired the key), the next request goes at once.
    assert rate([short], [50, "w1"]) == 0
    time.sleep(0.1)
    assert rate([short], [50, "w2"]) == 0


def test_wrong_password_fails_at_once_and_url_switch(server: RedisServer, tmp_path: Path) -> None:
    bad = server.url.replace(":test-secret", ":wrong")
    client = connect(bad, Settings({"NEWS_REDIS_SOCKET_TIMEOUT": 2}))
    guard = Guard(RetryPolicy(give_up=30))
    with pytest.raises(redis_client.exceptions.AuthenticationError):
        guard.call("ping", client.ping)
    assert guard.down_since is None  # refused, not taken for an outage and retried
    assert redis_url(Settings({"NEWS_REDIS_URL": ""})) is None
    assert redis_url(Settings({"NEWS_REDIS_URL": server.url})) == server.url


def test_an_article_is_claimed_once_per_crawl_and_a_dead_claim_is_taken_over(
    frontier: Frontier,
) -> None:
    for n in range(3):
        frontier.push(json.dumps({"url": f"http://s/{n}"}), 0, f"fp{n}")
    a, b, c = (frontier.pop(lease_ms=10_000, worker=f"w{n}") for n in range(3))
    assert a and b and c
    key = [frontier.keys.claim("url", "story-1")]
    assert frontier.claim(a.id, "http://s/a", key, 10_000) == ""
    assert frontier.claim(b.id, "http://s/b", key, 10_000) == "http://s/a"  # a is writing it
    assert frontier.ack(a.id)
    assert frontier.claim(b.id, "http://s/b", key, 10_000) == "http://s/a"  # a delivered it
    # c claims another story, then its worker dies before writing: the claim is not final.
    other = [frontier.keys.claim("text", "f00d")]
    assert frontier.claim(c.id, "http://s/c", other, 1) == ""
    time.sleep(0.02)
    assert frontier.reap(max_attempts=3) == (1, 0)
    d = frontier.pop(lease_ms=10_000, worker="w3")
    assert d is not None
    assert frontier.claim(d.id, "http://s/c", other, 10_000) == ""  # taken over, written once
    assert frontier.claim(c.id, "http://s/c", other, 10_000) == "lost"  # the stale lease


def test_a_garbage_entry_whose_lease_expires_is_parked_not_looped_on(frontier: Frontier) -> None:
    frontier.push("\x80not json", 0, "fp")
    assert frontier.pop(lease_ms=1, worker="w") is not None
    time.sleep(0.01)
    assert frontier.reap(max_attempts=3) == (0, 1)
    assert frontier.reap(max_attempts=3) == (0, 0)


def test_lease_data_and_claims_a_queue_writer_garbled_never_break_the_scripts(
    frontier: Frontier,
) -> None:
    """Whoever can write the crawl's keys can write lease data and claims too: a value that is
    not in the scripts' own shape is parked or taken over, never a script error (which would
    stop every worker's reaping, or close the worker that claims)."""
    client = frontier.server
    keys = frontier.keys
    client.zadd(keys.leases, {"w:1:1": 0, "w:2:1": 0})
    client.hset(keys.lease_data, mapping={"w:1:1": "no-space-here", "w:2:1": "abc {}"})
    assert frontier.reap(max_attempts=3) == (0, 2)
    assert set(client.hkeys(keys.dead)) == {b"w:1:1", b"w:2:1"}
    frontier.push(json.dumps({"url": "http://s/1"}), 0, "fp1")
    lease = frontier.pop(lease_ms=10_000, worker="w3")
    assert lease is not None
    claim = keys.claim("url", "garbled")
    client.set(claim, "no-space")
    assert frontier.claim(lease.id, "http://s/1", [claim], 10_000) == ""
    assert client.get(claim) == f"{lease.id} http://s/1".encode()
