"""Change queries: available versions, change-version windows, deletes with natural keys."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.edfi.conftest import DATA, school, student

pytestmark = pytest.mark.usefixtures("descriptors")


def test_versions_windows_and_deletes(edfi: TestClient) -> None:
    start = edfi.get("/edfi/changeQueries/v1/availableChangeVersions").json()
    assert start["oldestChangeVersion"] == 0
    v0 = start["newestChangeVersion"]
    edfi.post(f"{DATA}/schools", json=school())
    first = edfi.post(f"{DATA}/students", json=student("A"))
    edfi.post(f"{DATA}/students", json=student("B"))
    newest = edfi.get("/edfi/changeQueries/v1/availableChangeVersions").json()
    assert newest["newestChangeVersion"] == v0 + 3

    window = {"minChangeVersion": v0 + 3, "maxChangeVersion": v0 + 3}
    assert [s["studentUniqueId"] for s in edfi.get(f"{DATA}/students", params=window).json()] == [
        "B"
    ]
    since = {"minChangeVersion": v0 + 2}
    assert len(edfi.get(f"{DATA}/students", params=since).json()) == 2

    student_id = first.headers["location"].rsplit("/", 1)[-1]
    assert edfi.delete(f"{DATA}/students/{student_id}").status_code == 204
    deletes = edfi.get(f"{DATA}/students/deletes", params={"totalCount": "true"})
    assert deletes.headers["total-count"] == "1"
    assert deletes.json() == [
        {"id": student_id, "changeVersion": v0 + 4, "keyValues": {"studentUniqueId": "A"}}
    ]
    later = edfi.get(f"{DATA}/students/deletes", params={"minChangeVersion": v0 + 5})
    assert later.json() == []
    assert edfi.get(f"{DATA}/schools/keyChanges").json() == []
