"""Clever's rate limit, read from its headers.

Clever allows 1,200 requests per minute per token; the count resets every minute (not a
rolling average). Responses carry ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` (a Unix timestamp: when the minute's count resets); a request over
the limit gets ``429``. The SDK's client waits as long as ``Retry-After`` says before it
retries a 429, so ``CleverRateLimit`` (an ``httpx`` transport around the real one) gives a
429 without ``Retry-After`` one computed from ``X-RateLimit-Reset``. When a successful
response says no requests are left, it pauses until the reset before handing it back,
so the next request does not run into the wall. Both waits are capped by ``max_wait``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

__all__ = ["CleverRateLimit", "reset_wait"]


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def reset_wait(headers: httpx.Headers, now: float, cap: float) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (at least 1, at most ``cap``), or ``None``."""
    reset = _number(headers.get("X-RateLimit-Reset"))
    if reset is None:
        return None
    return min(max(reset - now, 1.0), cap)


class CleverRateLimit(httpx.BaseTransport):
    """Wraps ``inner``; see the module notes. ``clock`` is Unix time (injectable)."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        sleep: Callable[[float], None],
        max_wait: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self.sleep = sleep
        self.max_wait = max_wait
        self.clock = clock
        self.limited = 0  # 429 responses seen
        self.paused = 0.0  # seconds paused because the minute's requests ran out

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code == 429:
            self.limited += 1
            if "Retry-After" not in response.headers:
                wait = reset_wait(response.headers, self.clock(), self.max_wait)
                if wait is not None:
                    response.headers["Retry-After"] = str(int(wait + 0.999))
            return response
        if response.status_code < 300:
            remaining = _number(response.headers.get("X-RateLimit-Remaining"))
            if remaining is not None and remaining <= 0:
                wait = reset_wait(response.headers, self.clock(), self.max_wait)
                if wait is not None:
                    self.paused += wait
                    self.sleep(wait)
        return response

    def close(self) -> None:
        self.inner.close()
