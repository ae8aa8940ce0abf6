"""Pages read from a remembered anchor are exactly the pages OFFSET gives."""

from __future__ import annotations

from sqlalchemy import Engine, Table, update
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.models import HubState
from interop_hub.oneroster import service
from interop_hub.oneroster.query import CollectionQuery
from interop_hub.oneroster.render import RenderContext
from interop_hub.sharing.gateway import ReadGateway, RequestInfo
from interop_hub.sharing.keyset import PageAnchors
from interop_hub.sharing.policy import SharingPolicy
from tests.oneroster.factory import Roster

hub: Table = HubState.__table__  # type: ignore[assignment]


def _users(engine: Engine, ids: list[str]) -> None:
    r = Roster()
    for sid in ids:
        r.user(sid, "Ada", "Lovelace", roles=[])
    r.flush(engine)


def _page(
    factory: sessionmaker[Session],
    anchors: PageAnchors | None,
    offset: int,
    descending: bool = False,
) -> list[str]:
    query = CollectionQuery(
        limit=3, offset=offset, sort=None, descending=descending, filter=None, fields=None
    )
    with factory() as session:
        gw = ReadGateway(session, SharingPolicy("c"), RequestInfo("c", "/users"), anchors=anchors)
        page = service.list_collection(gw, "v1p2", "users", query, RenderContext("http://h"))
        session.rollback()
    return [r["sourcedId"] for r in page.records]


def test_anchored_pages_match_offset_pages(
    db_engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    _users(db_engine, [f"u-{i:02d}" for i in range(10)])
    for descending in (False, True):
        anchors = PageAnchors()
        for offset in range(0, 12, 3):  # page through: every later page is anchored
            expected = _page(session_factory, None, offset, descending)
            assert _page(session_factory, anchors, offset, descending) == expected
        assert len(anchors) == 4


def test_anchor_is_not_used_once_the_version_moved(
    db_engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    _users(db_engine, [f"u-{i:02d}" for i in range(10)])
    anchors = PageAnchors()
    assert _page(session_factory, anchors, 0) == ["u-00", "u-01", "u-02"]
    _users(db_engine, ["u-00a"])  # sorts before the anchor ...
    with db_engine.begin() as conn:  # ... and the write bumps the version, as apply does
        conn.execute(update(hub).values(change_version=hub.c.change_version + 1))
    assert _page(session_factory, anchors, 3) == ["u-02", "u-03", "u-04"]
