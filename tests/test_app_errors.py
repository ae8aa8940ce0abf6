"""Unexpected errors become a spec-shaped 500 without leaking internals."""

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_unhandled_error_is_a_oneroster_500(app: FastAPI) -> None:
    @app.get("/ims/oneroster/rostering/v1p2/_boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/ims/oneroster/rostering/v1p2/_boom")
    assert response.status_code == 500
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    minor = body["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
    assert minor == "internal_server_error"
    assert "secret internal detail" not in response.text


def test_unhandled_error_elsewhere_is_plain_json_500(app: FastAPI) -> None:
    @app.get("/_boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/_boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal_server_error",
        "message": "Internal server error.",
    }
