"""The HTTP client every feed uses, around an injected ``httpx.Client``.

* **Timeouts**: a connect timeout and a read timeout (per network read, so a large download
  that keeps flowing never times out).
* **Retries** with exponential backoff and jitter on connection errors, timeouts, a connection
  dropped mid-body, HTTP 429 and 5xx (a feed may add statuses: NVD throttles with 403). A
  ``Retry-After`` header is honoured, capped at ``max_backoff``. After the last attempt the
  error is an ``AdvisoryDataError`` (exit 3) that names the feed and the URL.
* **Conditional requests**: the caller passes the ``Validators`` (ETag, Last-Modified) it stored
  for a URL; the server's 304 comes back as ``None``. New validators are returned with each
  body, to be stored in the same transaction as the data they describe, so a sync that fails
  never makes the next one skip data it did not apply.
* **Rate limits**: an optional ``RateLimiter`` (NVD) is consulted before every attempt.

Bodies are read through ``stream`` so that a download goes to a file, and a line-oriented index
(OSV's ``modified_id.csv``) can be read only as far as needed.
"""

from __future__ import annotations

import collections
import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, Final, TypeVar

import httpx

from runink import __version__
from runink.errors import AdvisoryDataError
from runink.feeds.base import Validators
from runink.feeds.settings import HttpSettings

USER_AGENT: Final = f"runink/{__version__}"
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
CHUNK: Final = 1 << 16

T = TypeVar("T")


class RateLimiter:
    """At most ``requests`` requests in any rolling window of ``seconds`` (thread-safe)."""

    def __init__(
        self,
        requests: int,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests < 1 or seconds <= 0:
            raise ValueError("a rate limit needs at least one request per positive window")
        self.requests = requests
        self.seconds = seconds
        self._clock = clock
        self._sleep = sleep
        self._sent: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds slept, for reports

    def acquire(self) -> None:
        with self._lock:
            while True:
                now = self._clock()
                while self._sent and self._sent[0] <= now - self.seconds:
                    self._sent.popleft()
                if len(self._sent) < self.requests:
                    self._sent.append(now)
                    return
                delay = self._sent[0] + self.seconds - now
                self.waited += delay
                self._sleep(delay)


class HttpStatusError(AdvisoryDataError):
    """The server refused the request with a status that is not worth retrying (404, 401…)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Retry(Exception):
    """One attempt failed in a way worth retrying."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class FeedHttp:
    """HTTP for one feed: ``label`` (``osv (PyPI)``, ``nvd``) starts every error message."""

    def __init__(
        self,
        label: str,
        client: httpx.Client,
        settings: HttpSettings,
        *,
        limiter: RateLimiter | None = None,
        retry_statuses: frozenset[int] = RETRY_STATUSES,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.label = label
        self.client = client
        self.settings = settings
        self.limiter = limiter
        self.retry_statuses = retry_statuses
        self.headers = dict(headers or {})
        self._sleep = sleep
        self._lock = threading.Lock()
        self.requests = 0  # attempts made, retries included
        self.bytes = 0  # body bytes received

    @property
    def timeout(self) -> httpx.Timeout:
        s = self.settings
        return httpx.Timeout(s.timeout, connect=s.connect_timeout)

    # -- public API -----------------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        validators: Validators | None = None,
    ) -> tuple[bytes, Validators] | None:
        """The whole body and its validators; None when the server answers 304."""

        def read(response: httpx.Response) -> tuple[bytes, Validators]:
            body = bytearray()
            for chunk in response.iter_bytes(CHUNK):
                body += chunk
                self._count(len(chunk))
            return bytes(body), validators_of(response)

        return self._request(url, read, params=params, validators=validators)

    def download(
        self,
        url: str,
        sink: IO[bytes],
        *,
        validators: Validators | None = None,
        progress: Callable[[int, int | None], None] | None = None,
    ) -> Validators | None:
        """Write the body to ``sink`` (rewound on each retry); None when the server answers 304.

        ``progress(bytes_so_far, total_or_None)`` is called as data arrives.
        """

        def write(response: httpx.Response) -> Validators:
            sink.seek(0)
            sink.truncate()
            total_header = response.headers.get("Content-Length")
            total = int(total_header) if total_header and total_header.isdigit() else None
            done = 0
            for chunk in response.iter_bytes(CHUNK):
                sink.write(chunk)
                done += len(chunk)
                self._count(len(chunk))
                if progress is not None:
                    progress(done, total)
            sink.flush()
            return validators_of(response)

        return self._request(url, write, validators=validators)

    def lines(
        self,
        url: str,
        *,
        until: Callable[[str], bool],
        validators: Validators | None = None,
    ) -> tuple[list[str], Validators] | None:
        """The body's lines up to (not including) the first for which ``until`` is true; the
        rest is not downloaded. None when the server answers 304."""

        def read(response: httpx.Response) -> tuple[list[str], Validators]:
            found: list[str] = []
            for line in _iter_lines(response, self._count):
                if until(line):
                    break
                found.append(line)
            return found, validators_of(response)

        return self._request(url, read, validators=validators)

    # -- internals ------------------------------------------------------------------------------

    def _count(self, n: int) -> None:
        with self._lock:
            self.bytes += n

    def _request(
        self,
        url: str,
        consume: Callable[[httpx.Response], T],
        *,
        params: Mapping[str, str | int] | None = None,
        validators: Validators | None = None,
    ) -> T | None:
        headers = {**self.headers, **(validators.request_headers() if validators else {})}
        attempts = self.settings.retries + 1
        shown = _shown_url(url, params)
        reason = ""
        server_delay: float | None = None
        for attempt in range(attempts):
            if attempt:
                self._sleep(self._delay(attempt, server_delay))
            if self.limiter is not None:
                self.limiter.acquire()
            with self._lock:
                self.requests += 1
            try:
                return self._attempt(url, consume, params, headers, shown)
            except _Retry as retry:
                reason = retry.reason
                server_delay = retry.delay
        raise AdvisoryDataError(
            f"feed {self.label}: GET {shown}: {reason} (gave up after {attempts} attempts)"
        )

    def _attempt(
        self,
        url: str,
        consume: Callable[[httpx.Response], T],
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str],
        shown: str,
    ) -> T | None:
        try:
            with self.client.stream(
                "GET", url, params=params, headers=headers, timeout=self.timeout
            ) as response:
                status = response.status_code
                if status == 304:
                    return None
                if status in self.retry_statuses:
                    raise _Retry(f"HTTP {status} {response.reason_phrase}", _retry_after(response))
                if status >= 400:
                    hint = ""
                    if status in (401, 403) and "apiKey" in headers:
                        hint = " (check the API key)"
                    raise HttpStatusError(
                        f"feed {self.label}: GET {shown}: HTTP {status} "
                        f"{response.reason_phrase}{hint}",
                        status,
                    )
                if status >= 300:
                    raise AdvisoryDataError(
                        f"feed {self.label}: GET {shown}: unexpected HTTP {status} "
                        f"{response.reason_phrase}"
                    )
                return consume(response)
        except httpx.TimeoutException as exc:
            raise _Retry(f"timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed: {_describe(exc)}") from None
        except httpx.TooManyRedirects:
            raise AdvisoryDataError(f"feed {self.label}: GET {shown}: too many redirects") from None
        except httpx.DecodingError as exc:
            raise _Retry(f"the response could not be decoded: {exc}") from None

    def _delay(self, attempt: int, server_delay: float | None) -> float:
        s = self.settings
        if server_delay is not None:
            return min(max(server_delay, 0.0), s.max_backoff)
        ceiling = min(s.backoff * 2.0 ** (attempt - 1), s.max_backoff)
        return ceiling / 2 + random.uniform(0.0, ceiling / 2)


def validators_of(response: httpx.Response) -> Validators:
    return Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _iter_lines(response: httpx.Response, count: Callable[[int], None]) -> Iterator[str]:
    pending = b""
    for chunk in response.iter_bytes(CHUNK):
        count(len(chunk))
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            yield raw.rstrip(b"\r").decode("utf-8", errors="replace")
    if pending.strip():
        yield pending.rstrip(b"\r").decode("utf-8", errors="replace")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"


def _shown_url(url: str, params: Mapping[str, Any] | None) -> str:
    if not params:
        return url
    return str(httpx.URL(url, params={k: str(v) for k, v in params.items()}))


def build_client(settings: HttpSettings) -> httpx.Client:
    """The ``httpx.Client`` a sync uses: redirects followed, our User-Agent, HTTP/1.1."""
    return httpx.Client(
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
    )
