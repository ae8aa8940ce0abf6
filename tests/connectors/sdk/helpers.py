"""Shared bits of the SDK tests: a SourceClient whose waits are recorded, not slept."""

from __future__ import annotations

import httpx

from interop_hub.connectors.sdk import RateLimiter, RetryPolicy, SourceClient


class Sleeps(list[float]):
    """An injectable ``sleep`` that records every wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(
    base_url: str,
    *,
    sleeps: Sleeps | None = None,
    policy: RetryPolicy | None = None,
    rate: RateLimiter | None = None,
    auth: httpx.Auth | None = None,
) -> SourceClient:
    return SourceClient(
        base_url,
        auth=auth,
        sleep=sleeps if sleeps is not None else Sleeps(),
        policy=policy or RetryPolicy(attempts=3),
        rate=rate,
    )
