"""Canvas's throttle, made retryable.

Canvas meters each token with a leaky bucket: every response carries ``X-Request-Cost``
and ``X-Rate-Limit-Remaining``; when the bucket is empty the request fails with
``403 Forbidden (Rate Limit Exceeded)``. The SDK's client rightly treats a 403 as a
credentials problem, so ``CanvasThrottle`` (an ``httpx`` transport wrapped around the real
one) recognises the throttle body and hands the client a ``429`` with a ``Retry-After``
instead: the SDK's retry budget then applies (doubling waits while Canvas keeps
throttling: 2, 4, 8 ... seconds, at most 60). While ``X-Rate-Limit-Remaining`` is below a
low-water mark it also pauses before returning, so a long sync drains the bucket slower
than Canvas refills it instead of running into the wall.

``CanvasClient`` is the SDK's client over that transport; when it runs out of attempts
while Canvas is still throttling, the error says so (rather than a bare 429, which
Canvas never sent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from interop_hub.connectors.sdk import SourceClient
from interop_hub.core.errors import SourceUnavailable

__all__ = ["CanvasClient", "CanvasThrottle"]

_MARK = b"rate limit exceeded"
_FIRST_WAIT = 2
_MAX_WAIT = 60


class CanvasThrottle(httpx.BaseTransport):
    """Wraps ``inner``: a Canvas throttle 403 becomes a 429 with ``Retry-After``."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        sleep: Callable[[float], None],
        low_water: float = 100.0,
        pause: float = 1.0,
    ) -> None:
        self.inner = inner
        self.sleep = sleep
        self.low_water = low_water
        self.pause = pause
        self.throttled = 0  # consecutive throttled responses
        self.last_remaining: float | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if response.status_code == 403:
            response.read()
            if _MARK in response.content.lower():
                self.throttled += 1
                wait = min(_FIRST_WAIT * 2 ** (self.throttled - 1), _MAX_WAIT)
                headers = {
                    k: v for k, v in response.headers.items() if k.lower() != "content-length"
                }
                headers["Retry-After"] = str(wait)
                return httpx.Response(
                    429,
                    headers=headers,
                    content=response.content,
                    request=request,
                )
        self.throttled = 0
        remaining = _number(response.headers.get("X-Rate-Limit-Remaining"))
        self.last_remaining = remaining
        if remaining is not None and remaining < self.low_water and self.pause > 0:
            self.sleep(self.pause)
        return response

    def close(self) -> None:
        self.inner.close()


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class CanvasClient(SourceClient):
    """``SourceClient`` over ``CanvasThrottle``; running out of retries while throttled
    says so."""

    def __init__(self, base_url: str, *, throttle: CanvasThrottle, **options: Any) -> None:
        super().__init__(base_url, transport=throttle, **options)
        self.throttle = throttle

    def get(self, url: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        try:
            return super().get(url, params)
        except SourceUnavailable as exc:
            if self.throttle.throttled:
                raise SourceUnavailable(
                    f"GET {url}: Canvas kept throttling the requests (403 Rate Limit "
                    f"Exceeded) through {self.policy.attempts} attempts; lower "
                    "requests_per_second or sync when Canvas is less busy"
                ) from exc
            raise
