"""PowerSchool failures: each ends in a clear ``SourceError`` naming what was read and why
(and nothing applied), or in a correct retry or token refresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, func, select

from interop_hub.connectors.powerschool import PowerSchoolConfig
from interop_hub.connectors.sdk import ExtractContext
from interop_hub.core.errors import (
    SourceAuthError,
    SourceDataError,
    SourceError,
    SourceUnavailable,
)
from interop_hub.models import Enrollment, User
from interop_hub.sync.extract import stage
from interop_hub.sync.oneroster_csv import import_package
from tests.connectors.powerschool.conftest import Clock, make_connector
from tests.connectors.powerschool.fake import BASE, FakePowerSchool, ps_error
from tests.connectors.sdk.helpers import Sleeps

SOURCE = "powerschool:test"


def run(sleeps: Sleeps | None = None, clock: Clock | None = None, **config: Any) -> None:
    connector = make_connector(sleeps, clock, **config)
    try:
        list(connector.extract(ExtractContext()))
    finally:
        connector.close()


def answer_first(route: Any, *responses: httpx.Response) -> None:
    """``route`` answers ``responses`` first, then serves as before."""
    answers = iter(responses)
    serve = route.side_effect

    def handle(request: httpx.Request, **kwargs: str) -> httpx.Response:
        answer = next(answers, None)
        return answer if answer is not None else serve(request, **kwargs)

    route.side_effect = handle


def fails(kind: type[SourceError], sleeps: Sleeps | None = None, **config: Any) -> str:
    with pytest.raises(kind) as failure:
        run(sleeps, **config)
    return failure.value.message


# -- credentials and tokens ---------------------------------------------------------------


def test_bad_client_credentials_are_an_auth_error_naming_the_remedy(ps: FakePowerSchool) -> None:
    message = fails(SourceAuthError, client_secret="wrong-secret")
    assert f"{BASE}/oauth/access_token rejected the client credentials (HTTP 401)" in message
    assert "invalid_client" in message
    assert "check client_id and client_secret" in message
    assert ps.routes["token"].call_count == 1  # not retried
    assert ps.routes["district"].call_count == 0


def test_an_expiring_token_is_renewed_before_it_runs_out(ps: FakePowerSchool) -> None:
    ps.expires_in = "120"  # renewed 60 s before the end: good for 60 s
    clock = Clock()
    students = ps.routes["students"]
    serve = students.side_effect
    assert callable(serve)

    def slow(request: httpx.Request, **kwargs: str) -> httpx.Response:
        clock.advance(45)  # each student page takes 45 s
        return serve(request, **kwargs)

    students.side_effect = slow
    run(clock=clock)
    assert ps.routes["token"].call_count == 3
    tokens = [c.request.headers["Authorization"] for c in students.calls]
    assert tokens == [
        "Bearer ps-token-1",
        "Bearer ps-token-1",
        "Bearer ps-token-2",
        "Bearer ps-token-2",
        "Bearer ps-token-3",
    ]


def test_a_token_expired_early_is_replaced_once_and_the_request_replayed(
    ps: FakePowerSchool,
) -> None:
    schools = ps.routes["schools"]
    serve = schools.side_effect
    assert callable(serve)

    def then_expire(request: httpx.Request, **kwargs: str) -> httpx.Response:
        response = serve(request, **kwargs)
        ps.revoke()  # PowerSchool forgets the token after this answer
        return response

    schools.side_effect = then_expire
    run()
    assert ps.routes["token"].call_count == 3  # once per schools page (2), then kept
    terms = ps.routes["terms/count"].calls
    assert terms[0].response.status_code == 401
    assert terms[1].request.headers["Authorization"] == "Bearer ps-token-3"
    assert terms[1].response.status_code == 200


def test_a_plugin_whose_tokens_are_refused_fails_clearly(ps: FakePowerSchool) -> None:
    ps.routes["students/count"].mock(return_value=ps_error(401, "Invalid or expired access token"))
    message = fails(SourceAuthError)
    assert message.startswith("PowerSchool students of school 1:")
    assert "HTTP 401" in message
    assert "plugin was probably disabled or reinstalled" in message
    assert ps.routes["token"].call_count == 2  # one fresh token, then give up


def test_the_plugin_lacking_access_is_an_auth_error_not_a_retry(ps: FakePowerSchool) -> None:
    ps.routes["students/count"].mock(
        return_value=ps_error(
            403,
            "At least one column lacks sufficient permission",
            errors=[{"resource": "Students", "field": "dob", "code": "missing_field_access"}],
        )
    )
    message = fails(SourceAuthError)
    assert message.startswith("PowerSchool students of school 1:")
    assert "HTTP 403" in message
    assert "missing_field_access" in message
    assert "plugin.xml" in message
    assert ps.routes["students/count"].call_count == 1


# -- HTTP errors ------------------------------------------------------------------------


def test_a_404_on_the_district_points_at_the_base_url(ps: FakePowerSchool) -> None:
    ps.routes["district"].mock(return_value=ps_error(404, "Not Found"))
    message = fails(SourceError)
    assert message.startswith("PowerSchool district: GET")
    assert "/ws/v1/district: HTTP 404" in message
    assert "check that base_url is the server's root" in message


def test_a_section_deleted_during_the_run_fails_it_naming_the_section(
    ps: FakePowerSchool,
) -> None:
    del ps.enrollments[4002]
    message = fails(SourceError)
    assert message.startswith("PowerSchool enrollments of section 4002:")
    assert "HTTP 404" in message


def test_a_429_storm_honours_retry_after_then_gives_up(ps: FakePowerSchool, sleeps: Sleeps) -> None:
    route = ps.routes["sections"]
    route.mock(
        return_value=httpx.Response(
            429, headers={"Retry-After": "7"}, json={"message": "Too Many Requests"}
        )
    )
    message = fails(SourceUnavailable, sleeps)
    assert route.call_count == 3  # max_attempts
    assert sleeps == [7.0, 7.0]  # as asked; no wait after the last attempt
    assert message.startswith("PowerSchool sections of school 1:")
    assert "gave up after 3 attempts" in message
    assert "HTTP 429" in message


def test_a_429_then_success_completes_the_read(ps: FakePowerSchool, sleeps: Sleeps) -> None:
    answer_first(ps.routes["staff"], httpx.Response(429, headers={"Retry-After": "2"}))
    run(sleeps)
    assert sleeps == [2.0]
    assert ps.routes["staff"].call_count == 6  # the 429, then 3 + 2 pages


def test_server_errors_are_retried_then_reported(ps: FakePowerSchool, sleeps: Sleeps) -> None:
    answer_first(ps.routes["terms"], httpx.Response(502), httpx.Response(503))
    run(sleeps)
    assert ps.routes["terms"].call_count == 7  # two failures, then 2 + 3 pages

    ps.routes["courses"].mock(return_value=httpx.Response(500, text="Internal Server Error"))
    message = fails(SourceUnavailable, sleeps)
    assert "gave up after 3 attempts" in message
    assert "HTTP 500" in message
    assert "Internal Server Error" in message


def test_a_failing_token_endpoint_is_retried(ps: FakePowerSchool, sleeps: Sleeps) -> None:
    answer_first(ps.routes["token"], httpx.Response(503))
    run(sleeps)
    assert ps.routes["token"].call_count == 2


def test_timeouts_are_retried_then_reported(ps: FakePowerSchool) -> None:
    ps.routes["district"].mock(side_effect=httpx.ReadTimeout("read timed out"))
    message = fails(SourceUnavailable)
    assert "timed out" in message
    assert ps.routes["district"].call_count == 3


# -- bodies and paging -------------------------------------------------------------------


def test_malformed_json_is_a_data_error(ps: FakePowerSchool) -> None:
    ps.routes["students"].mock(
        return_value=httpx.Response(
            200,
            content=b'{"students": {"student": [{"id": 1001, "name": {"first',
            headers={"Content-Type": "application/json"},
        )
    )
    message = fails(SourceDataError)
    assert message.startswith("PowerSchool students of school 1:")
    assert "not valid JSON" in message


def test_a_body_that_is_not_the_collection_is_not_read_as_empty(ps: FakePowerSchool) -> None:
    ps.routes["staff"].mock(return_value=httpx.Response(200, json={"message": "Maintenance"}))
    message = fails(SourceDataError)
    assert "has no 'staffs' collection (its keys: message)" in message


def test_a_page_served_twice_stops_the_run(ps: FakePowerSchool) -> None:
    route = ps.routes["students"]
    serve = route.side_effect
    assert callable(serve)

    def ignore_page(request: httpx.Request, **kwargs: str) -> httpx.Response:
        first = request.url.copy_set_param("page", "1")
        return serve(httpx.Request("GET", first, headers=request.headers), **kwargs)

    route.side_effect = ignore_page
    message = fails(SourceDataError)
    assert "served the same page of records again" in message
    assert "page=2" in message


def test_pages_ending_before_the_count_stop_the_run(ps: FakePowerSchool) -> None:
    ps.routes["sections/count"].mock(
        return_value=httpx.Response(200, json={"resource": {"count": 3}})
    )
    message = fails(SourceDataError)
    assert "PowerSchool counted 3 sections but its pages held 2" in message


def test_a_count_that_is_not_a_count_is_a_data_error(ps: FakePowerSchool) -> None:
    ps.routes["schools/count"].mock(return_value=httpx.Response(200, json={"resource": {}}))
    message = fails(SourceDataError)
    assert "expected a count" in message


def test_an_unknown_configured_school_fails_rather_than_sync_nothing(
    ps: FakePowerSchool,
) -> None:
    message = fails(SourceDataError, school_ids=[2, 77])
    assert "school_ids names 77" in message


def test_a_failed_run_applies_nothing(
    tmp_path: Path, db_engine: Engine, ps: FakePowerSchool, sleeps: Sleeps
) -> None:
    connector = make_connector()
    stage(connector, tmp_path / "ok", ExtractContext())
    import_package(db_engine, tmp_path / "ok", source=SOURCE)
    with db_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(Enrollment)).scalar_one()

    # The next run loses a school's students, then fails on the sections.
    ps.students[2] = []
    ps.routes["section_enrollments"].mock(return_value=httpx.Response(500))
    with pytest.raises(SourceUnavailable):
        stage(make_connector(sleeps), tmp_path / "failed", ExtractContext())

    with db_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Enrollment)).scalar_one() == before
        statuses = set(conn.execute(select(User.status)).scalars())
    assert statuses == {"active"}


# -- check and config -------------------------------------------------------------------


def test_check_reports_what_it_could_reach(ps: FakePowerSchool) -> None:
    checks = make_connector().check()
    assert [(c.target, c.ok) for c in checks] == [
        ("metadata", True),
        ("district", True),
        ("schools", True),
        ("terms", True),
        ("courses", True),
        ("staff", True),
        ("students", True),
        ("sections", True),
        ("section_enrollments", True),
    ]
    detail = {c.target: c.detail for c in checks}
    assert detail["metadata"] == (
        "PowerSchool 25.3.0.0; plugin max page sizes: students 100, staff 100, sections 100, "
        "section enrollments 100"
    )
    assert detail["district"] == "Springfield School District"
    assert detail["schools"] == "2 schools"
    assert detail["students"] == "3 students at school 1"
    assert detail["section_enrollments"] == "3 in section 3001"


def test_check_stops_at_refused_credentials(ps: FakePowerSchool) -> None:
    checks = make_connector(client_secret="wrong").check()
    assert not any(c.ok for c in checks)
    assert "check client_id and client_secret" in checks[0].detail
    assert checks[1].detail == "not tried (authentication failed)"
    assert len(checks) == 9
    assert ps.routes["token"].call_count == 1


def test_check_goes_on_past_a_resource_the_plugin_cannot_read(ps: FakePowerSchool) -> None:
    ps.routes["students/count"].mock(
        return_value=ps_error(403, "Request is for a resource the user is not allowed to access")
    )
    checks = {c.target: c for c in make_connector().check()}
    assert not checks["students"].ok
    assert "plugin.xml" in checks["students"].detail
    assert checks["sections"].ok
    assert checks["section_enrollments"].ok


@pytest.mark.parametrize("suffix", ["/ws/v1", "/ws/v1/", "/oauth/access_token"])
def test_base_url_must_be_the_server_root(suffix: str) -> None:
    with pytest.raises(ValidationError, match="give the PowerSchool server's root URL"):
        PowerSchoolConfig.model_validate(
            {"base_url": BASE + suffix, "client_id": "id", "client_secret": "secret"}
        )


def test_the_config_keeps_the_secret_secret() -> None:
    cfg = PowerSchoolConfig.model_validate(
        {"base_url": BASE, "client_id": "id", "client_secret": "s3cret"}
    )
    assert "s3cret" not in repr(cfg)
    schema = PowerSchoolConfig.model_json_schema()
    assert schema["properties"]["client_secret"]["writeOnly"] is True
    assert cfg.token_url == f"{BASE}/oauth/access_token"
    assert cfg.student_statuses == ["A"]
