"""OneRoster 1.1 provider, ClassLink style: OAuth 1.0a HMAC-SHA256 signed requests, users
with a scalar role and orgs[], paging by Link header or by nothing at all."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import re
from pathlib import Path
from urllib.parse import quote, unquote

import httpx
import respx
from sqlalchemy import Engine

from tests.connectors.oneroster_rest.helpers import connector, rows, run, v11_config
from tests.connectors.oneroster_rest.payloads import V11_ROOT, district_v1p1
from tests.connectors.oneroster_rest.provider import FakeProvider

KEY = "b008b35ac38bccb56a910e2323f66049"
SECRET = "7c4f1f2a9d"


def _q(value: str) -> str:
    return quote(value, safe="~")


def verify_oauth1(request: httpx.Request) -> None:
    """Check the request's signature as a provider does (RFC 5849 §3.4, HMAC-SHA256)."""
    header = request.headers["Authorization"]
    assert header.startswith("OAuth ")
    params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
    assert params["oauth_signature_method"] == "HMAC-SHA256"
    assert params["oauth_consumer_key"] == KEY
    assert params["oauth_version"] == "1.0"
    assert params["oauth_nonce"]
    assert params["oauth_timestamp"].isdigit()
    signature = params.pop("oauth_signature")
    params.pop("realm", None)
    pairs = list(params.items()) + list(request.url.params.multi_items())
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_q(k), _q(v)) for k, v in pairs))
    base_uri = f"{request.url.scheme}://{request.url.host}{request.url.path}"
    base = "&".join((request.method.upper(), _q(base_uri), _q(normalized)))
    digest = hmac.new(f"{_q(SECRET)}&".encode(), base.encode(), hashlib.sha256).digest()
    assert signature == base64.b64encode(digest).decode(), f"bad signature on {request.url}"


def _signed(provider: FakeProvider) -> respx.MockRouter:
    def serve(request: httpx.Request) -> httpx.Response:
        verify_oauth1(request)
        return provider(request)

    router = respx.mock(assert_all_called=False)
    router.get(url__startswith=V11_ROOT).mock(side_effect=serve)
    return router


def test_classlink_style_full_run(db_engine: Engine, tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p1())
    with _signed(provider):
        result = run(connector(v11_config()), tmp_path / "full", db_engine)

    assert len(provider.requests) == 7  # one page per collection, each signed and verified
    assert str(provider.requests[0].url).startswith(f"{V11_ROOT}/orgs?")
    assert result.records["users"] == 3
    # 1.1 role + orgs[] → 1.2 roles: primary at the first org, secondary at the others
    # (the second given as a bare id); administrator → siteAdministrator.
    assert rows(
        db_engine,
        "SELECT role_type, role, org_id FROM user_roles WHERE user_id = 'U-ADM-9' ORDER BY 1",
    ) == [
        ("primary", "siteAdministrator", "8F6B1C2E-0100"),
        ("secondary", "siteAdministrator", "8F6B1C2E-0200"),
    ]
    assert rows(
        db_engine, "SELECT primary_org_id, enabled_user FROM users WHERE sourced_id = 'U-ADM-9'"
    ) == [("8F6B1C2E-0100", True)]
    assert rows(db_engine, "SELECT role FROM user_roles WHERE user_id = 'U-STU-31'") == [
        ("student",)
    ]
    # The term has no schoolYear: derived from its start date (August 2024 → 2025).
    assert rows(
        db_engine, "SELECT school_year FROM academic_sessions WHERE sourced_id = 'TERM-2025-T1'"
    ) == [("2025",)]
    assert rows(db_engine, "SELECT school_id FROM classes") == [("8F6B1C2E-0100",)]
    assert rows(db_engine, "SELECT sex, black_or_african_american FROM demographics") == [
        ("male", True)
    ]
    assert rows(db_engine, 'SELECT role, "primary" FROM enrollments ORDER BY 1') == [
        ("student", False),
        ("teacher", True),
    ]


def test_link_header_paging(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p1(), cap=2, headers="link")
    with _signed(provider):
        result = run(connector(v11_config()), tmp_path / "full")
    assert result.records["users"] == 3
    assert result.records["orgs"] == 3
    users = provider.collection_requests("users")
    assert [r.url.params["offset"] for r in users] == ["0", "2"]  # no rel=next on page 2


def test_no_paging_headers_reads_until_an_empty_page(tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p1(), cap=2, headers="none")
    with _signed(provider):
        result = run(connector(v11_config()), tmp_path / "full")
    assert result.records["users"] == 3
    users = provider.collection_requests("users")
    assert [r.url.params["offset"] for r in users] == ["0", "2", "3"]


def test_signed_delta_run_with_a_deleted_user(db_engine: Engine, tmp_path: Path) -> None:
    provider = FakeProvider(district_v1p1())
    with _signed(provider):
        first = run(connector(v11_config()), tmp_path / "full", db_engine)

    later = "2024-10-01T09:00:00.000Z"
    changed = copy.deepcopy(provider.records)
    student = next(u for u in changed["users"] if u["sourcedId"] == "U-STU-31")
    student |= {"status": "tobedeleted", "dateLastModified": later}
    delta = FakeProvider(changed)
    with _signed(delta):  # the quoted filter is part of the signed query
        second = run(
            connector(v11_config()),
            tmp_path / "delta",
            db_engine,
            mode="incremental",
            bookmarks=first.bookmarks,
        )
    assert {r.url.params["filter"] for r in delta.requests} == {
        "dateLastModified>'2024-07-30T18:22:41.000Z'"
    }
    assert second.records == {"users": 1}
    assert rows(db_engine, "SELECT status FROM users WHERE sourced_id = 'U-STU-31'") == [
        ("tobedeleted",)
    ]
    assert rows(db_engine, "SELECT COUNT(*) FROM users WHERE status = 'active'") == [(2,)]
