"""The list of routers. Imports only endpoint modules."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register_routers"]


def register_routers(app: FastAPI) -> None:
    from interop_hub import health

    app.include_router(health.router)
