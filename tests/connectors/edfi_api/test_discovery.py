"""Discovery documents of the ODS/API versions, and change-version bookkeeping."""

from __future__ import annotations

from typing import Any

import pytest

from interop_hub.connectors.edfi_api.changes import (
    ChangeVersions,
    Window,
    parse_change_versions,
    window_after,
)
from interop_hub.connectors.edfi_api.discovery import parse_discovery
from interop_hub.core.errors import SourceDataError, SourceError

ROOT_7 = "https://api.example.org/v7.1/api/tenant-a"
# An ODS/API 7.1 multi-tenant root: the tenant is already in every URL.
DOC_7: dict[str, Any] = {
    "version": "7.1",
    "informationalVersion": "7.1",
    "suite": "3",
    "build": "7.1.1199.0",
    "dataModels": [
        {"name": "Ed-Fi", "version": "5.0.0", "informationalVersion": "The Ed-Fi Data Model 5.0"},
        {"name": "TPDM", "version": "1.1.0", "informationalVersion": "TPDM-Core"},
    ],
    "urls": {
        "dependencies": f"{ROOT_7}/metadata/data/v3/dependencies",
        "openApiMetadata": f"{ROOT_7}/metadata/",
        "oauth": f"{ROOT_7}/oauth/token",
        "dataManagementApi": f"{ROOT_7}/data/v3/",
        "xsdMetadata": f"{ROOT_7}/metadata/xsd",
        "changeQueries": f"{ROOT_7}/changeQueries/v1/",
        "composites": f"{ROOT_7}/composites/v1/",
        "identity": f"{ROOT_7}/identity/v2/",
    },
}

ROOT_5 = "https://sis.example.org/WebApi"
# ODS/API 5.2 (as edfi_api_client documents it): apiMode, DS 3.3, no changeQueries URL.
DOC_5: dict[str, Any] = {
    "version": "5.2",
    "informationalVersion": "5.2",
    "suite": "3",
    "build": "5.2.14406.0",
    "apiMode": "District Specific",
    "dataModels": [{"name": "Ed-Fi", "version": "3.3.0-a"}],
    "urls": {
        "dependencies": f"{ROOT_5}/metadata/data/v3/dependencies",
        "openApiMetadata": f"{ROOT_5}/metadata/",
        "oauth": f"{ROOT_5}/oauth/token",
        "dataManagementApi": f"{ROOT_5}/data/v3/",
        "xsdMetadata": f"{ROOT_5}/metadata/xsd",
    },
}


def test_ods_7_urls_are_used_as_given() -> None:
    found = parse_discovery(DOC_7, ROOT_7)
    assert found.oauth == f"{ROOT_7}/oauth/token"
    assert found.resource("students") == f"{ROOT_7}/data/v3/ed-fi/students"
    assert found.resource("students", "/deletes") == f"{ROOT_7}/data/v3/ed-fi/students/deletes"
    assert found.available_change_versions == f"{ROOT_7}/changeQueries/v1/availableChangeVersions"
    assert found.dependencies == f"{ROOT_7}/metadata/data/v3/dependencies"
    assert (found.data_model, found.uses_contacts, found.has_key_changes) == ("5.0.0", True, True)
    assert found.describe() == "Ed-Fi ODS/API 7.1, Ed-Fi data model 5.0.0"


def test_ods_5_defaults_the_change_query_route_and_reads_parents() -> None:
    found = parse_discovery(DOC_5, ROOT_5)
    assert found.available_change_versions == f"{ROOT_5}/changeQueries/v1/availableChangeVersions"
    assert found.api_mode == "District Specific"
    assert (found.uses_contacts, found.has_key_changes) == (False, False)
    cqe = parse_discovery({**DOC_5, "version": "5.3", "informationalVersion": "5.3-cqe"}, ROOT_5)
    assert cqe.has_key_changes


@pytest.mark.parametrize(
    ("mode", "instance", "segment"),
    [("Year Specific", None, "2025/"), ("InstanceYearSpecific", "district-a", "district-a/2025/")],
)
def test_year_modes_insert_the_route_segment(mode: str, instance: str | None, segment: str) -> None:
    found = parse_discovery({**DOC_5, "apiMode": mode}, ROOT_5, school_year=2025, instance=instance)
    assert found.resource("sessions") == f"{ROOT_5}/data/v3/{segment}ed-fi/sessions"
    assert found.available_change_versions == (
        f"{ROOT_5}/changeQueries/v1/{segment}availableChangeVersions"
    )
    assert found.dependencies == f"{ROOT_5}/metadata/data/v3/{segment}dependencies"
    assert found.oauth == f"{ROOT_5}/oauth/token"


def test_year_modes_need_their_settings() -> None:
    with pytest.raises(SourceError, match="set school_year"):
        parse_discovery({**DOC_5, "apiMode": "YearSpecific"}, ROOT_5)
    with pytest.raises(SourceError, match="set instance_code and school_year"):
        parse_discovery({**DOC_5, "apiMode": "Instance Year Specific"}, ROOT_5, school_year=2025)


def test_context_route_placeholders_are_filled() -> None:
    urls = {
        k: v.replace(
            ROOT_7, f"{ROOT_7}/{{instanceId:int}}/{{schoolYearFromRoute:range(2000,2099)}}"
        )
        for k, v in DOC_7["urls"].items()
    }
    found = parse_discovery({**DOC_7, "urls": urls}, ROOT_7, school_year=2026, instance="7")
    assert found.resource("schools") == f"{ROOT_7}/7/2026/data/v3/ed-fi/schools"
    assert found.oauth == f"{ROOT_7}/7/2026/oauth/token"
    with pytest.raises(SourceError, match=r"routes through \{schoolYearFromRoute\}"):
        parse_discovery({**DOC_7, "urls": urls}, ROOT_7, instance="7")


@pytest.mark.parametrize(
    "body",
    [
        {"imsx_codeMajor": "failure"},
        {"version": "7.1", "urls": {"oauth": "https://x/oauth/token"}},
        ["not", "an", "object"],
    ],
)
def test_a_root_that_is_no_ed_fi_discovery_document(body: Any) -> None:
    with pytest.raises(SourceDataError, match="did not return an Ed-Fi discovery document"):
        parse_discovery(body, ROOT_7)


def test_change_versions_in_both_spellings() -> None:
    url = f"{ROOT_5}/changeQueries/v1/availableChangeVersions"
    assert parse_change_versions({"NewestChangeVersion": 1042}, url) == ChangeVersions(None, 1042)
    assert parse_change_versions(
        {"oldestChangeVersion": 0, "newestChangeVersion": 88}, url
    ) == ChangeVersions(0, 88)
    with pytest.raises(SourceDataError, match="no newestChangeVersion"):
        parse_change_versions({"version": 3}, url)
    with pytest.raises(SourceDataError, match="must be an integer"):
        parse_change_versions({"newestChangeVersion": "many"}, url)


def test_the_window_after_a_bookmark() -> None:
    versions = ChangeVersions(oldest=0, newest=120)
    window = window_after("100", versions, "u")
    assert window == Window(101, 120)
    assert window.params() == {"minChangeVersion": "101", "maxChangeVersion": "120"}
    assert window_after("120", versions, "u").empty
    with pytest.raises(SourceDataError, match="changes in between are lost"):
        window_after("10", ChangeVersions(oldest=50, newest=120), "u")
