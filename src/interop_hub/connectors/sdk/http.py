"""The engine's HTTP client: timeouts, a request-rate limit, retries with backoff.

Policy (``RetryPolicy``):

* Transport errors (connect failures, timeouts) and ``500/502/503/504`` are retried with
  exponential backoff and full jitter, at most ``attempts`` times in all.
* ``429`` waits as long as ``Retry-After`` says (seconds or an HTTP date; capped at
  ``max_wait``), else the backoff, and counts against the same budget.
* A ``SourceUnavailable`` raised by the auth flow (the token endpoint answered 5xx) is
  retried the same way.
* ``401``/``403`` raise ``SourceAuthError``; other ``4xx`` raise ``SourceError`` naming the
  URL: retrying cannot fix them.
* When the budget runs out the last cause is raised as ``SourceUnavailable`` (there is
  no wait after the last attempt).

A ``RateLimiter`` spaces requests so a source sees at most ``per_second`` of them from
this process (vendors publish such limits; Canvas and Clever throttle beyond them).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from interop_hub.core.errors import SourceAuthError, SourceDataError, SourceError, SourceUnavailable

__all__ = ["RateLimiter", "RetryPolicy", "SourceClient", "retry_after_seconds"]

_RETRYABLE = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_wait: float = 120.0
    timeout: float = 30.0

    def backoff(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class RateLimiter:
    """At most ``per_second`` request starts per second (0 or ``None``: unlimited)."""

    def __init__(self, per_second: float | None, clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._clock = clock
        self._lock = threading.Lock()

    def wait(self, sleep: Callable[[float], None]) -> None:
        if not self.interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            sleep(start - now)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: a delay in seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _with_params(
    url: str, params: Mapping[str, str] | None
) -> tuple[httpx.URL | str, Mapping[str, str] | None]:
    """The request target with ``params`` merged into the URL's own query.

    httpx *replaces* a URL's query with ``params`` (even an empty mapping), which would
    drop the page cursor of a followed ``Link``/body link; here the URL's parameters are
    kept (repeated ones too, e.g. Canvas ``include[]``) and ``params`` override by name."""
    if not params:
        return url, None
    parsed = httpx.URL(url)
    if not parsed.query:
        return url, params
    return parsed.copy_merge_params(dict(params)), None


class SourceClient:
    """``httpx.Client`` plus the retry and rate policy. ``sleep`` is injectable for tests."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        policy: RetryPolicy | None = None,
        rate: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.rate = rate or RateLimiter(None)
        self.sleep = sleep
        self.requests = 0
        self.retries = 0
        self.client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers={"Accept": "application/json", **(headers or {})},
            timeout=self.policy.timeout,
            transport=transport,
            follow_redirects=True,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SourceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET with the retry policy; returns a 2xx response or raises a ``SourceError``."""
        cause = "no attempt made"
        attempts = self.policy.attempts
        target, query = _with_params(url, params)
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self.retries += 1
            self.rate.wait(self.sleep)
            self.requests += 1
            try:
                response = self.client.get(target, params=query)
            except httpx.TimeoutException as exc:
                cause = f"timed out ({type(exc).__name__})"
                self._pause(attempt, self.policy.backoff(attempt))
                continue
            except httpx.TransportError as exc:
                cause = f"unreachable ({type(exc).__name__}: {exc})"
                self._pause(attempt, self.policy.backoff(attempt))
                continue
            except SourceUnavailable as exc:
                # Raised by an auth flow: the token endpoint failed transiently.
                cause = exc.message
                self._pause(attempt, self.policy.backoff(attempt))
                continue
            status = response.status_code
            if status < 300:
                return response
            where = f"GET {response.request.url}"
            if status == 429:
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                cause = f"rate limited (HTTP 429) by {where}"
                self._pause(
                    attempt,
                    min(
                        wait if wait is not None else self.policy.backoff(attempt),
                        self.policy.max_wait,
                    ),
                )
                continue
            if status in _RETRYABLE:
                body = " ".join(response.text[:200].split())
                cause = f"HTTP {status} from {where}" + (f": {body}" if body else "")
                self._pause(attempt, self.policy.backoff(attempt))
                continue
            detail = response.text[:300]
            if status in (401, 403):
                raise SourceAuthError(
                    f"{where}: the source refused the credentials (HTTP {status}): {detail}"
                )
            raise SourceError(f"{where}: HTTP {status}: {detail}")
        sent = self.client.build_request("GET", target, params=query).url
        raise SourceUnavailable(f"GET {sent}: gave up after {attempts} attempts; last: {cause}")

    def _pause(self, attempt: int, seconds: float) -> None:
        """Wait before the next attempt (none after the last: the caller gives up)."""
        if attempt < self.policy.attempts and seconds > 0:
            self.sleep(seconds)

    def get_json(
        self, url: str, params: Mapping[str, str] | None = None
    ) -> tuple[httpx.Response, Any]:
        response = self.get(url, params)
        try:
            return response, orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise SourceDataError(
                f"GET {response.request.url}: the response is not valid JSON ({exc})"
            ) from None
