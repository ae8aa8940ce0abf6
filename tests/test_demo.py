"""``interop-hub demo`` prepares a usable hub on an empty machine."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from interop_hub.app import create_app
from interop_hub.config import Settings
from interop_hub.core.db import create_db_engine
from interop_hub.demo import prepare_demo, usage_text
from interop_hub.models import User


def test_demo_loads_a_district_and_prints_working_credentials(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "hub")
    info = prepare_demo(settings, students=60)
    assert "Loaded a generated demo district" in info.loaded

    engine = create_db_engine(settings.resolved_database_url())
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)).scalar_one() > 60
    text = usage_text(info, "http://127.0.0.1:8000")
    assert info.client_secret in text
    assert "/oauth/token" in text

    # The printed credentials work end to end (token, then a OneRoster call).
    app = create_app(settings, engine=engine)
    with TestClient(app, base_url="https://testserver") as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(info.client_id, info.client_secret),
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        students = client.get("/ims/oneroster/rostering/v1p2/students?limit=5", headers=headers)
        assert students.status_code == 200
        assert int(students.headers["X-Total-Count"]) == 60
    engine.dispose()

    # A second run keeps the data and only issues a new client.
    again = prepare_demo(settings, students=60)
    assert "not reloaded" in again.loaded
    assert again.client_id != info.client_id
