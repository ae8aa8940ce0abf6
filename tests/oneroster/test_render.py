"""The compiled page renderer: GUIDRefs built inline match the generic builder."""

from __future__ import annotations

import orjson

from interop_hub.oneroster.render import RenderContext
from interop_hub.oneroster.serializers import SHAPES

BASE = "http://hub/ims/oneroster/rostering/v1p2"


def _row(sourced_id: str, user_id: str) -> tuple[object, ...]:
    # enrollment plan columns: sourced_id, status, date_last_modified, extension, user_id,
    # class_id, school_id, role, primary, begin_date, end_date
    return (
        sourced_id,
        "active",
        "2024-01-02 03:04:05.678000",
        None,
        user_id,
        "class 1/a",
        "school-1",
        "student",
        1,
        "2024-08-19",
        None,
    )


def test_refs_are_percent_encoded_only_when_needed_and_match_ctx_ref() -> None:
    plan = SHAPES["v1p2"]["enrollment"].plan(None, ("user_id",))
    assert plan.columns[4] == "user_id"
    ctx = RenderContext(BASE)
    rows = [_row("e-1", "stu-1"), _row("e-2", "stu 2/é"), _row("e-3", "stu-1")]
    records = orjson.loads(plan.render_json(rows, ctx))
    assert records[0]["user"] == {
        "href": f"{BASE}/users/stu-1",
        "sourcedId": "stu-1",
        "type": "user",
    }
    assert records[1]["user"]["href"] == f"{BASE}/users/stu%202%2F%C3%A9"
    assert records[1]["class"]["href"] == f"{BASE}/classes/class%201%2Fa"
    assert records[2]["user"] == records[0]["user"]
    assert records[0]["school"] == {
        "href": f"{BASE}/orgs/school-1",
        "sourcedId": "school-1",
        "type": "org",
    }
    # the same refs as the generic builder, and the dict renderer agrees with the encoder
    fresh = RenderContext(BASE)
    assert records[1]["user"] == fresh.ref("user", "stu 2/é")
    assert plan.render(rows, RenderContext(BASE)) == records
    assert records[0]["primary"] == "true"
    assert "endDate" not in records[0]
