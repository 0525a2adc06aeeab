"""The feeds' HTTP client against a real server: retries with backoff, timeouts, dropped
connections, Retry-After, conditional requests, and NVD's rolling rate limit."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest

from runink.errors import AdvisoryDataError, ExitCode
from runink.feeds.base import Status, Validators
from runink.feeds.http import FeedHttp, HttpStatusError, RateLimiter, build_client
from runink.feeds.settings import HttpSettings
from tests.feeds.bucket import OsvBucket, record
from tests.feeds.conftest import FakeClock, Sync
from tests.feeds.server import FeedServer, Response

SETTINGS = HttpSettings(timeout=0.5, connect_timeout=0.5, retries=3, backoff=1.0, max_backoff=8.0)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with build_client(SETTINGS) as c:
        yield c


def feed_http(client: httpx.Client, clock: FakeClock, **kw: object) -> FeedHttp:
    return FeedHttp("test", client, SETTINGS, sleep=clock.sleep, **kw)  # type: ignore[arg-type]


def test_a_500_is_retried_with_exponential_backoff_then_succeeds(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    server.put("/data", b"payload")
    server.fail("/data", status=500, times=2)
    http = feed_http(client, clock)
    got = http.get(f"{server.url}/data")
    assert got is not None and got[0] == b"payload"
    assert len(server.requests("/data")) == 3 and http.requests == 3
    # Jittered exponential backoff: the n-th delay lies in [b*2^(n-1)/2, b*2^(n-1)].
    assert 0.5 <= clock.sleeps[0] <= 1.0 and 1.0 <= clock.sleeps[1] <= 2.0


def test_a_persistent_500_gives_up_naming_the_feed_and_url(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    server.put("/data", b"payload")
    server.fail("/data", status=503, times=10)
    with pytest.raises(AdvisoryDataError) as info:
        feed_http(client, clock).get(f"{server.url}/data")
    assert str(info.value) == (
        f"feed test: GET {server.url}/data: HTTP 503 Service Unavailable (gave up after 4 attempts)"
    )
    assert info.value.exit_code is ExitCode.NO_DATA
    assert len(clock.sleeps) == 3


def test_retry_after_is_honoured_and_capped(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    calls = {"n": 0}

    def throttled(_request: object) -> Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return Response(429, b"slow down", {"Retry-After": "3"})
        if calls["n"] == 2:
            return Response(429, b"slow down", {"Retry-After": "3600"})
        return Response(200, b"ok")

    server.routes["/limited"] = throttled  # type: ignore[assignment]
    got = feed_http(client, clock).get(f"{server.url}/limited")
    assert got is not None and got[0] == b"ok"
    assert clock.sleeps == [3.0, 8.0]  # the second is capped at max_backoff


def test_a_timeout_is_retried_then_reported(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    server.put("/slow", b"late")
    server.fail("/slow", "delay", delay=1.5)
    got = feed_http(client, clock).get(f"{server.url}/slow")
    assert got is not None and got[0] == b"late"
    assert len(server.requests("/slow")) == 2
    server.fail("/slow", "delay", delay=1.5, times=4)
    with pytest.raises(
        AdvisoryDataError, match=r"feed test: GET .*/slow: timed out \(ReadTimeout\)"
    ):
        feed_http(client, clock).get(f"{server.url}/slow")


def test_a_refused_connection_is_retried_then_reported(
    client: httpx.Client, clock: FakeClock
) -> None:
    with pytest.raises(AdvisoryDataError, match="connection failed"):
        feed_http(client, clock).get("http://127.0.0.1:9/nothing-listens-here")
    assert len(clock.sleeps) == 3


def test_a_404_is_not_retried(server: FeedServer, client: httpx.Client, clock: FakeClock) -> None:
    with pytest.raises(HttpStatusError) as info:
        feed_http(client, clock).get(f"{server.url}/missing")
    assert info.value.status == 404 and clock.sleeps == []
    assert "HTTP 404 Not Found" in str(info.value)


def test_a_download_cut_mid_body_restarts_from_the_beginning(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    body = bytes(range(256)) * 1000
    server.put("/big.bin", body)
    server.fail("/big.bin", "drop")
    sink = io.BytesIO()
    validators = feed_http(client, clock).download(f"{server.url}/big.bin", sink)
    assert sink.getvalue() == body
    assert validators is not None and validators.etag


def test_conditional_requests_send_validators_and_return_none_on_304(
    server: FeedServer, client: httpx.Client, clock: FakeClock
) -> None:
    server.put("/index.csv", b"a\nb\nc\n")
    http = feed_http(client, clock)
    got = http.lines(f"{server.url}/index.csv", until=lambda line: line == "c")
    assert got is not None
    lines, validators = got
    assert lines == ["a", "b"]
    assert (
        http.lines(f"{server.url}/index.csv", until=lambda _: False, validators=validators) is None
    )
    sent = server.requests("/index.csv")[-1].headers
    assert sent["if-none-match"] == validators.etag
    assert sent["if-modified-since"] == validators.last_modified
    server.put("/index.csv", b"d\n")
    again = http.lines(f"{server.url}/index.csv", until=lambda _: False, validators=validators)
    assert again is not None and again[0] == ["d"]
    assert Validators.from_json(validators.to_json()) == validators


def test_the_rate_limiter_allows_n_requests_per_rolling_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5, 30.0, clock=clock.monotonic, sleep=clock.sleep)
    for _ in range(5):
        limiter.acquire()
    assert clock.sleeps == []
    limiter.acquire()  # the sixth waits until the first five leave the window (t=1030)
    assert clock.sleeps == [30.0]
    clock.now += 10  # t=1040: one request in the window (t=1030), room for four more
    for _ in range(4):
        limiter.acquire()
    assert clock.sleeps == [30.0]
    limiter.acquire()  # waits until the t=1030 request leaves the window at t=1060
    assert clock.sleeps == [30.0, 20.0]
    assert limiter.waited == 50.0


def test_sync_retries_a_500_on_the_index_and_completes(
    sync: Sync, bucket: OsvBucket, server: FeedServer, clock: FakeClock
) -> None:
    import datetime as dt

    bucket.put(record("PYSEC-1", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)))
    bucket.publish()
    server.fail("/PyPI/modified_id.csv", status=500, times=2)
    [result] = sync().results
    assert (result.status, result.new, result.requests) == (Status.UPDATED, 1, 4)
    assert len(clock.sleeps) == 2
