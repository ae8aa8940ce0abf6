from fastapi.testclient import TestClient


def test_healthz_answers_when_database_is_up(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_path_gives_json_404(client: TestClient) -> None:
    response = client.get("/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "unknownobject"
