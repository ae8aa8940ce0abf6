"""Collection totals are reused only while the hub's change version is unchanged."""

from __future__ import annotations

from sqlalchemy import Engine, Table, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.models import HubState, User
from interop_hub.sharing.counts import CountCache
from tests.oneroster.factory import Roster

users: Table = User.__table__  # type: ignore[assignment]
hub: Table = HubState.__table__  # type: ignore[assignment]


def _total(factory: sessionmaker[Session], cache: CountCache, status: str = "active") -> int:
    stmt = select(func.count()).select_from(users).where(users.c.status == status)
    with factory() as session:
        return cache.total(session, stmt)


def _add_user(engine: Engine, sid: str) -> None:
    r = Roster()
    r.user(sid, "Ada", "Lovelace", roles=[])
    r.flush(engine)


def test_total_is_reused_until_the_change_version_moves(
    db_engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    cache = CountCache()
    _add_user(db_engine, "u-1")
    assert _total(session_factory, cache) == 1
    assert len(cache) == 1

    # A write that does not bump the version is not seen (the documented invariant) ...
    _add_user(db_engine, "u-2")
    assert _total(session_factory, cache) == 1
    # ... and one that does is.
    with db_engine.begin() as conn:
        conn.execute(update(hub).values(change_version=hub.c.change_version + 1))
    assert _total(session_factory, cache) == 2
    # Another statement (other parameters) has its own total.
    assert _total(session_factory, cache, "tobedeleted") == 0


def test_cache_is_bounded(db_engine: Engine, session_factory: sessionmaker[Session]) -> None:
    cache = CountCache(max_entries=2)
    for status in ("a", "b", "c"):
        _total(session_factory, cache, status)
    assert len(cache) <= 2
