"""The POST write path reads before it takes the change-version lock; a write that commits
in between makes it read again under the lock, and versions stay in commit order."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.core.db import session_scope
from interop_hub.edfi import documents, service
from interop_hub.edfi.registry import get_registry
from interop_hub.models import EdfiDocument
from tests.edfi.conftest import school


def _spec() -> Any:
    spec = get_registry().get("schools")
    assert spec is not None
    return spec


def test_a_write_committed_between_lookup_and_lock_is_seen(
    session_factory: sessionmaker[Session], descriptors: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_begin = documents.begin_write
    calls = 0

    def begin_after_a_rival(session: Session) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:  # another request stores the same school first, and commits
            with session_scope(session_factory) as rival:
                assert service.upsert(rival, _spec(), school(), "rival").created
        return real_begin(session)

    monkeypatch.setattr(documents, "begin_write", begin_after_a_rival)
    with session_scope(session_factory) as session:
        result = service.upsert(
            session, _spec(), school(nameOfInstitution="Renamed High"), "client"
        )
    assert not result.created  # an update of the rival's item, not a duplicate key
    with session_factory() as session:
        stmt = select(EdfiDocument.change_version, EdfiDocument.body).where(
            EdfiDocument.resource == "schools"
        )
        rows = session.execute(stmt).all()
    assert len(rows) == 1
    assert "Renamed High" in rows[0][1]
    assert rows[0][0] == result.change_version


def test_an_unchanged_post_gives_its_version_back(
    session_factory: sessionmaker[Session], descriptors: int
) -> None:
    with session_scope(session_factory) as session:
        first = service.upsert(session, _spec(), school(), "client")
    with session_scope(session_factory) as session:
        again = service.upsert(session, _spec(), school(), "client")
        assert documents.current_change_version(session) == first.change_version
    assert not again.created
    assert again.change_version == first.change_version
    with session_scope(session_factory) as session:
        changed = service.upsert(session, _spec(), school(nameOfInstitution="X"), "client")
    assert changed.change_version == first.change_version + 1
