from __future__ import annotations

import pytest

from interop_hub.auth.scopes import (
    ALL_SCOPES,
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    UnknownScopeError,
    expand_scope,
    normalize_scopes,
    short_scope,
)


def test_short_names_expand_to_uris() -> None:
    assert expand_scope("roster-core.readonly") == ROSTER_CORE_READONLY
    assert expand_scope(ROSTER_DEMOGRAPHICS_READONLY) == ROSTER_DEMOGRAPHICS_READONLY
    assert {short_scope(s) for s in ALL_SCOPES} == {
        "roster-core.readonly",
        "roster.readonly",
        "roster-demographics.readonly",
        "edfi.read",
        "edfi.write",
        "admin",
    }


def test_normalize_accepts_space_separated_and_dedupes() -> None:
    got = normalize_scopes(["roster-core.readonly roster.readonly", ROSTER_CORE_READONLY])
    assert len(got) == 2


@pytest.mark.parametrize(
    "name",
    [
        "roster.write",
        "https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly",
        "https://evil.example/scope/roster.readonly",
    ],
)
def test_unknown_scopes_are_refused(name: str) -> None:
    with pytest.raises(UnknownScopeError) as info:
        normalize_scopes([name, "also-bad"])
    assert set(info.value.unknown) == {name, "also-bad"}
    assert "roster-core.readonly" in info.value.message  # lists what is known
    assert info.value.status_code == 400
