"""The checked-in OpenAPI documents match what the code serves (regenerate with
``interop-hub export-openapi``)."""

from pathlib import Path

from interop_hub.openapi_docs import render_documents

OPENAPI_DIR = Path(__file__).resolve().parents[1] / "openapi"


def test_checked_in_openapi_matches_code() -> None:
    for name, body in render_documents().items():
        path = OPENAPI_DIR / name
        assert path.exists(), f"{path} is missing: run `interop-hub export-openapi`"
        assert path.read_bytes() == body, (
            f"{path} is out of date with the code: run `interop-hub export-openapi`"
        )
