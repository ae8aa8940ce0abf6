"""Clients over their per-minute budget get 429 with Retry-After and the OneRoster payload."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from interop_hub.app import create_app
from interop_hub.auth.rate_limit import enforce_rate_limit
from interop_hub.auth.scopes import ROSTER_CORE_READONLY
from interop_hub.config import Settings
from interop_hub.core.db import make_sessionmaker
from interop_hub.core.errors import RateLimited
from interop_hub.models import RateLimitWindow

ORGS = "/ims/oneroster/rostering/v1p2/orgs"


def test_requests_over_the_limit_get_429(
    settings: Settings, db_engine: Engine, bearer: Callable[..., dict[str, str]]
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 3}), engine=db_engine)
    headers = bearer(ROSTER_CORE_READONLY, client_id="busy-client")
    with TestClient(app) as client:
        assert [client.get(ORGS, headers=headers).status_code for _ in range(3)] == [200] * 3
        response = client.get(ORGS, headers=headers)
        # Another client has its own budget.
        other = client.get(ORGS, headers=bearer(ROSTER_CORE_READONLY, client_id="quiet-client"))
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    minor = body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert minor == "server_busy"
    assert other.status_code == 200


def test_a_new_window_resets_the_budget_and_drops_old_counters(db_engine: Engine) -> None:
    factory = make_sessionmaker(db_engine)
    for _ in range(2):
        enforce_rate_limit(factory, "c", 2, now=1000.0)
    with pytest.raises(RateLimited) as caught:
        enforce_rate_limit(factory, "c", 2, now=1010.0)
    assert caught.value.headers["Retry-After"] == "10"  # the window is 960..1020
    enforce_rate_limit(factory, "c", 2, now=1030.0)  # next window
    with factory() as session:
        windows = session.execute(select(RateLimitWindow.window_start)).scalars().all()
    assert windows == [1020]


def test_rate_limit_zero_disables_counting(
    settings: Settings, db_engine: Engine, bearer: Callable[..., dict[str, str]]
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 0}), engine=db_engine)
    with TestClient(app) as client:
        assert client.get(ORGS, headers=bearer(ROSTER_CORE_READONLY)).status_code == 200
    with make_sessionmaker(db_engine)() as session:
        assert session.execute(select(RateLimitWindow)).first() is None


def test_leases_never_admit_more_than_the_limit_across_workers(db_engine: Engine) -> None:
    """Two workers (two limiters on one database) taking slots in blocks admit at most the
    budget together, and a small budget is counted one by one (exact)."""
    from interop_hub.auth.rate_limit import RateLimiter

    def admitted(limiters: list[RateLimiter], client: str, per_minute: int, n: int) -> int:
        ok = 0
        for i in range(n):
            limiter = limiters[i % len(limiters)]
            if limiter.admit(client, per_minute, 1000.0):
                ok += 1
                continue
            try:
                limiter.take(client, per_minute, 1000.0)
                ok += 1
            except RateLimited:
                pass
        return ok

    workers = [RateLimiter(db_engine), RateLimiter(db_engine)]
    # never more than the budget; at most a block per worker left unused
    assert 1000 - 2 * 100 <= admitted(workers, "big", 1000, 1500) <= 1000
    assert admitted(workers, "small", 5, 10) == 5
    with make_sessionmaker(db_engine)() as session:
        counts = dict(
            session.execute(select(RateLimitWindow.client_id, RateLimitWindow.count)).all()
        )
    assert counts["small"] >= 5
