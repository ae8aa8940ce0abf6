"""The list of routers. Imports only endpoint modules."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register_routers"]


def register_routers(app: FastAPI) -> None:
    from interop_hub import health
    from interop_hub.auth import endpoints as auth_endpoints

    app.include_router(health.router)
    app.include_router(auth_endpoints.router)
