"""``SourceClient``: the retry, back-off, rate-limit and error policy at the transport."""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx

from interop_hub.connectors.sdk import RateLimiter, RetryPolicy
from interop_hub.connectors.sdk.http import retry_after_seconds
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from tests.connectors.sdk.helpers import Sleeps, make_client

CANVAS = "https://canvas.example.edu/api/v1/"
COURSES = [{"id": 1201, "name": "Biology", "workflow_state": "available"}]


@pytest.fixture
def upper_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full jitter picks in [0, cap]; pin it to the cap so the schedule is checkable."""
    monkeypatch.setattr("interop_hub.connectors.sdk.http.random.uniform", lambda a, b: b)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.usefixtures("upper_backoff")
def test_server_errors_are_retried_with_exponential_backoff(status: int) -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0)
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("courses").mock(
            side_effect=[httpx.Response(status, text="upstream hiccup")] * 4
            + [httpx.Response(200, json=COURSES)]
        )
        with make_client(CANVAS, sleeps=sleeps, policy=policy) as client:
            _, body = client.get_json("courses")
            assert client.retries == 4
    assert body == COURSES
    assert route.call_count == 5
    assert sleeps == [1.0, 2.0, 4.0, 4.0]


def test_backoff_is_jittered_within_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
    waits = [policy.backoff(3) for _ in range(50)]
    assert all(0 <= w <= 2.0 for w in waits)
    assert len(set(waits)) > 1


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError("connection refused"), httpx.ReadTimeout("read timed out")],
    ids=["connect-error", "timeout"],
)
def test_transport_errors_and_timeouts_are_retried(error: Exception) -> None:
    sleeps = Sleeps()
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("courses").mock(
            side_effect=[error, error, httpx.Response(200, json=COURSES)]
        )
        with make_client(CANVAS, sleeps=sleeps, policy=RetryPolicy(attempts=3)) as client:
            _, body = client.get_json("courses")
    assert body == COURSES
    assert route.call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("side_effect", "cause"),
    [
        (httpx.Response(503, text="Service Unavailable"), "HTTP 503"),
        (httpx.ReadTimeout("read timed out"), "timed out (ReadTimeout)"),
        (httpx.ConnectError("Name or service not known"), "unreachable (ConnectError"),
        (httpx.Response(429, headers={"Retry-After": "1"}), "rate limited (HTTP 429)"),
    ],
    ids=["503", "timeout", "unreachable", "429-storm"],
)
def test_gives_up_after_the_budget_naming_the_url_and_the_cause(
    side_effect: httpx.Response | Exception, cause: str
) -> None:
    sleeps = Sleeps()
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("courses").mock(side_effect=[side_effect] * 3)
        with (
            make_client(CANVAS, sleeps=sleeps, policy=RetryPolicy(attempts=3)) as client,
            pytest.raises(SourceUnavailable) as info,
        ):
            client.get("courses", {"per_page": "100"})
    assert route.call_count == 3
    assert len(sleeps) == 2  # no wait after the last attempt: it gives up at once
    message = info.value.message
    assert message.startswith(f"GET {CANVAS}courses?per_page=100: gave up after 3 attempts")
    assert cause in message


def test_429_waits_as_long_as_retry_after_says() -> None:
    sleeps = Sleeps()
    with respx.mock(base_url=CANVAS) as router:
        router.get("courses").mock(
            side_effect=[
                httpx.Response(
                    429,
                    text="403 Forbidden (Rate Limit Exceeded)",
                    headers={"Retry-After": "7", "X-Rate-Limit-Remaining": "0.0"},
                ),
                httpx.Response(200, json=COURSES),
            ]
        )
        with make_client(CANVAS, sleeps=sleeps) as client:
            _, body = client.get_json("courses")
    assert body == COURSES
    assert sleeps == [7.0]


def test_429_honours_an_http_date_and_caps_long_waits() -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    sleeps = Sleeps()
    with respx.mock(base_url=CANVAS) as router:
        router.get("courses").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": later}),
                httpx.Response(429, headers={"Retry-After": "86400"}),
                httpx.Response(200, json=COURSES),
            ]
        )
        policy = RetryPolicy(attempts=3, max_wait=120.0)
        with make_client(CANVAS, sleeps=sleeps, policy=policy) as client:
            client.get("courses")
    assert 27.0 <= sleeps[0] <= 30.0
    assert sleeps[1] == 120.0


@pytest.mark.usefixtures("upper_backoff")
def test_429_without_retry_after_backs_off() -> None:
    sleeps = Sleeps()
    with respx.mock(base_url=CANVAS) as router:
        router.get("courses").mock(
            side_effect=[httpx.Response(429), httpx.Response(200, json=COURSES)]
        )
        policy = RetryPolicy(base_delay=0.5)
        with make_client(CANVAS, sleeps=sleeps, policy=policy) as client:
            client.get("courses")
    assert sleeps == [0.5]


def test_retry_after_parsing() -> None:
    now = datetime(2024, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(" 1.5 ") == 1.5
    assert retry_after_seconds("Mon, 21 Oct 2024 07:28:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Mon, 21 Oct 2024 07:27:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_raise_source_auth_error_without_retry(status: int) -> None:
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("courses").mock(
            return_value=httpx.Response(
                status,
                json={
                    "errors": [{"message": "Invalid access token."}],
                    "status": "unauthenticated",
                },
                headers={"WWW-Authenticate": 'Bearer realm="canvas-lms"'},
            )
        )
        with make_client(CANVAS) as client, pytest.raises(SourceAuthError) as info:
            client.get("courses")
    assert route.call_count == 1
    assert f"refused the credentials (HTTP {status})" in info.value.message
    assert "Invalid access token." in info.value.message


def test_404_raises_source_error_naming_the_url() -> None:
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("accounts/99/users").mock(
            return_value=httpx.Response(
                404, json={"errors": [{"message": "The specified resource does not exist."}]}
            )
        )
        with make_client(CANVAS) as client, pytest.raises(SourceError) as info:
            client.get("accounts/99/users", {"per_page": "100"})
    assert type(info.value) is SourceError
    assert route.call_count == 1
    assert info.value.message.startswith(f"GET {CANVAS}accounts/99/users?per_page=100: HTTP 404: ")
    assert "does not exist" in info.value.message


@pytest.mark.parametrize(
    "content",
    [b'{"users": [{"sourcedId": "u1"', b"<html><body>Maintenance</body></html>", b""],
    ids=["truncated", "html", "empty"],
)
def test_malformed_json_raises_source_data_error(content: bytes) -> None:
    with respx.mock(base_url=CANVAS) as router:
        router.get("courses").mock(return_value=httpx.Response(200, content=content))
        with make_client(CANVAS) as client, pytest.raises(SourceDataError) as info:
            client.get_json("courses")
    assert info.value.message.startswith(f"GET {CANVAS}courses: the response is not valid JSON")


def test_a_followed_link_keeps_its_query_and_params_override_by_name() -> None:
    """httpx alone would replace the link's query with the params."""
    with respx.mock(base_url=CANVAS) as router:
        route = router.get("courses").mock(return_value=httpx.Response(200, json=[]))
        with make_client(CANVAS) as client:
            client.get(f"{CANVAS}courses?include[]=term&include[]=teachers&page=2", {})
            client.get(f"{CANVAS}courses?include[]=term&page=2", {"page": "3", "per_page": "10"})
    first, second = (c.request.url for c in route.calls)
    assert first.params.get_list("include[]") == ["term", "teachers"]
    assert first.params["page"] == "2"
    assert second.params["include[]"] == "term"
    assert (second.params["page"], second.params["per_page"]) == ("3", "10")


# --------------------------------------------------------------------------- rate limit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_rate_limiter_spaces_request_starts() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4.0, clock=clock)
    for _ in range(3):
        limiter.wait(clock.sleep)
    assert clock.sleeps == [0.25, 0.25]
    clock.now += 0.1  # the request took a while: only the rest of the interval is waited
    limiter.wait(clock.sleep)
    assert clock.sleeps == [0.25, 0.25, pytest.approx(0.15)]
    clock.now += 10  # idle: no wait, and no burst credit accumulates
    limiter.wait(clock.sleep)
    limiter.wait(clock.sleep)
    assert clock.sleeps[3:] == [0.25]


@pytest.mark.parametrize("per_second", [None, 0.0])
def test_rate_limiter_off(per_second: float | None) -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_second, clock=clock)
    for _ in range(5):
        limiter.wait(clock.sleep)
    assert clock.sleeps == []


def test_client_requests_go_through_the_rate_limiter() -> None:
    clock = FakeClock()
    with respx.mock(base_url=CANVAS) as router:
        router.get("courses").mock(return_value=httpx.Response(200, json=COURSES))
        client = make_client(CANVAS, rate=RateLimiter(2.0, clock=clock))
        client.sleep = clock.sleep
        with client:
            for _ in range(3):
                client.get("courses")
    assert clock.sleeps == [0.5, 0.5]
