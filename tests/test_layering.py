"""Dependencies point inward: pure packages import neither FastAPI nor SQLAlchemy, and no
domain module imports the API/app layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "interop_hub"
PURE = ("canonical", "connectors", "generator", "mapping")
WEB_AND_DB = ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn")
TOP_LAYER = ("interop_hub.app", "interop_hub.api", "interop_hub.cli")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_layering(path: Path) -> None:
    rel = path.relative_to(SRC)
    imports = _imports(path)
    package = rel.parts[0] if len(rel.parts) > 1 else rel.stem
    if package in PURE:
        bad = {i for i in imports if i.split(".")[0] in WEB_AND_DB}
        assert not bad, f"{rel} is pure but imports {sorted(bad)}"
    if rel.stem not in ("app", "api", "cli", "openapi_docs"):
        bad = {i for i in imports if any(i == t or i.startswith(t + ".") for t in TOP_LAYER)}
        assert not bad, f"{rel} imports the top layer: {sorted(bad)}"
    if package == "config":
        bad = {i for i in imports if i.startswith("interop_hub")}
        assert not bad, f"config.py must import nothing internal: {sorted(bad)}"
    if package in ("core", "models"):
        bad = {
            i
            for i in imports
            if i.startswith("interop_hub.") and i.split(".")[1] not in ("core", "models", "config")
        }
        assert not bad, f"{rel} (infrastructure) imports a domain package: {sorted(bad)}"
    if rel.stem != "endpoints" and not rel.stem.startswith("endpoints"):
        bad = {i for i in imports if i.rsplit(".", 1)[-1].startswith("endpoints")}
        if package not in ("app", "api"):
            assert not bad, f"{rel} imports endpoint modules: {sorted(bad)}"
