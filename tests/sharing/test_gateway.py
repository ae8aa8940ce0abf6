"""The read gateway is the only path to data, and it applies the sharing policy in SQL."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, sessionmaker

from interop_hub.core.errors import NotFound
from interop_hub.models import Disclosure, Enrollment, Org, User, UserRole
from interop_hub.oneroster import repository, service
from interop_hub.oneroster.entities import ENTITIES
from interop_hub.oneroster.query import CollectionQuery
from interop_hub.oneroster.render import RenderContext
from interop_hub.sharing.gateway import Disclose, Embed, Read, ReadGateway, RequestInfo
from interop_hub.sharing.policy import SharingPolicy, UnanchoredTable, policy_for_client
from tests.oneroster.factory import Roster

SRC = Path(__file__).resolve().parents[2] / "src" / "interop_hub"
QUERY = CollectionQuery(limit=100, offset=0, sort=None, descending=False, filter=None, fields=None)


def gateway(session: Session, org_ids: frozenset[str] | None = None) -> ReadGateway:
    return ReadGateway(
        session, SharingPolicy("client-a", org_ids), RequestInfo("client-a", "/test", None)
    )


def test_repository_functions_require_the_gateway(session_factory: sessionmaker[Session]) -> None:
    public = [
        fn
        for name, fn in inspect.getmembers(repository, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == repository.__name__
    ]
    assert public
    for fn in public:
        first = next(iter(inspect.signature(fn).parameters.values()))
        assert first.name == "gateway", fn.__name__
        assert first.annotation == "ReadGateway", fn.__name__
    entity = ENTITIES["v1p2"]["org"]
    with session_factory() as session, pytest.raises(TypeError, match="ReadGateway"):
        repository.count(session, entity, [])  # type: ignore[arg-type]


def test_serving_code_holds_no_session() -> None:
    """Nothing under oneroster/ can reach the database except through the gateway."""
    forbidden = {"get_session", "DbSession", "Session", "session_scope", "sessionmaker"}
    for path in (SRC / "oneroster").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names}
                assert not names & forbidden, f"{path.name} imports {names & forbidden}"
            if isinstance(node, ast.Attribute):
                assert node.attr != "_session", f"{path.name} reaches into the gateway"


def test_gateway_needs_a_session_and_a_matching_policy(
    session_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(TypeError):
        ReadGateway(object(), SharingPolicy("a"), RequestInfo("a", "/x"))  # type: ignore[arg-type]
    with session_factory() as session, pytest.raises(ValueError, match="another client"):
        ReadGateway(session, SharingPolicy("a"), RequestInfo("b", "/x"))


def test_primary_records_cannot_be_read_as_related(session_factory: sessionmaker[Session]) -> None:
    users: Table = User.__table__  # type: ignore[assignment]
    with session_factory() as session, pytest.raises(PermissionError):
        gateway(session).fetch_related(Read(users, [users.c.sourced_id]))


def test_embedded_columns_only_read_related_tables(
    session_factory: sessionmaker[Session],
) -> None:
    """A primary read may embed sub-rows (a correlated subquery over a related table), but
    a column reading another primary table, or its own table beyond the correlated row,
    is refused before any SQL runs."""
    users: Table = User.__table__  # type: ignore[assignment]
    orgs: Table = Org.__table__  # type: ignore[assignment]
    enrollments: Table = Enrollment.__table__  # type: ignore[assignment]
    roles: Table = UserRole.__table__  # type: ignore[assignment]
    disclose = Disclose("user", ["sourcedId"], 0)
    sub_rows = (
        select(func.count())
        .where(roles.c.user_id == users.c.sourced_id, roles.c.org_id == orgs.c.sourced_id)
        .scalar_subquery()
    )
    other = users.alias("other")
    for column in (
        select(func.count()).where(enrollments.c.user_id == users.c.sourced_id).scalar_subquery(),
        select(func.max(other.c.given_name)).scalar_subquery(),
    ):
        with session_factory() as session, pytest.raises(PermissionError):
            gateway(session).fetch(Read(users, [users.c.sourced_id, column]), disclose=disclose)
    primary_rows = Embed(
        enrollments,
        [enrollments.c.class_id],
        [enrollments.c.user_id == users.c.sourced_id],
        [enrollments.c.class_id],
    )
    with session_factory() as session, pytest.raises(PermissionError):
        gateway(session).fetch(Read(users, [users.c.sourced_id, primary_rows]), disclose=disclose)
    with session_factory() as session, pytest.raises(TypeError, match="Embed"):
        gateway(session).fetch_related(Read(roles, [roles.c.id, primary_rows]))
    allowed = select(func.count()).where(roles.c.user_id == users.c.sourced_id).scalar_subquery()
    with session_factory() as session:
        gateway(session).fetch(Read(users, [users.c.sourced_id, allowed]), disclose=disclose)
        # orgs is a related table (org children), so this one is allowed too
        gateway(session).fetch(Read(users, [users.c.sourced_id, sub_rows]), disclose=disclose)


def test_tables_without_an_anchor_are_never_served(
    session_factory: sessionmaker[Session],
) -> None:
    table: Table = Disclosure.__table__  # type: ignore[assignment]
    with session_factory() as session, pytest.raises(UnanchoredTable):
        gateway(session).fetch(Read(table, [table.c.id]), disclose=Disclose("x", []))


def test_default_policy_sees_everything() -> None:
    policy = policy_for_client("client-a")
    assert policy.unrestricted
    assert policy.clause_for(User.__table__) is None  # type: ignore[arg-type]


def _ids(page: service.Page) -> list[str]:
    return [r["sourcedId"] for r in page.records]


def test_org_restriction_is_applied_inside_sql(
    roster: Roster, session_factory: sessionmaker[Session]
) -> None:
    """A restricted policy changes results with no change to endpoints or repositories."""
    ctx = RenderContext("http://hub/ims/oneroster/rostering/v1p2")
    with session_factory() as session:
        gw = gateway(session, frozenset({"school-2"}))
        users = service.list_collection(gw, "v1p2", "users", QUERY, ctx)
        assert _ids(users) == ["student-5", "teacher-1", "teacher-2"]
        assert users.total == 3
        classes = service.list_collection(gw, "v1p2", "classes", QUERY, ctx)
        assert _ids(classes) == ["class-2"]
        courses = service.list_collection(gw, "v1p2", "courses", QUERY, ctx)
        assert _ids(courses) == ["course-2"]
        enrollments = service.list_collection(gw, "v1p2", "enrollments", QUERY, ctx)
        assert {r["school"]["sourcedId"] for r in enrollments.records} == {"school-2"}
        # teacher-1 also teaches at school-1; only the visible role is embedded.
        _, teacher = service.get_record(gw, "v1p2", "users", "teacher-1", None, ctx)
        assert [r["org"]["sourcedId"] for r in teacher["roles"]] == ["school-2"]
        # Out-of-scope records and parents look exactly like unknown ones.
        with pytest.raises(NotFound):
            service.get_record(gw, "v1p2", "users", "student-1", None, ctx)
        with pytest.raises(NotFound):
            service.list_nested(gw, "v1p2", "StudentsForClass", ["class-1"], QUERY, ctx)


def test_gateway_records_one_disclosure_per_primary_read(
    roster: Roster, session_factory: sessionmaker[Session]
) -> None:
    ctx = RenderContext("http://hub/ims/oneroster/rostering/v1p2")
    with session_factory() as session:
        gw = gateway(session)
        service.list_collection(gw, "v1p2", "users", QUERY, ctx)
        assert gw.disclosures == 1
        rows = session.execute(select(Disclosure.entity_type, Disclosure.record_count)).all()
        assert rows == [("user", 10)]
