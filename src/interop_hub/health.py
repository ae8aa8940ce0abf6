"""Liveness/readiness probe."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from interop_hub.core.db import DbSession

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Health check: the API is up and the database answers")
def healthz(session: DbSession) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}
