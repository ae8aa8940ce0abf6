"""The list of routers. Imports only endpoint modules."""

from __future__ import annotations

from fastapi import FastAPI

__all__ = ["register_routers"]


def register_routers(app: FastAPI) -> None:
    from interop_hub import health
    from interop_hub.auth import endpoints as auth_endpoints

    app.include_router(health.router)
    app.include_router(auth_endpoints.router)
    from interop_hub.admin import endpoints as admin_endpoints

    app.include_router(admin_endpoints.router)
    # Ed-Fi first: its few generic routes cost OneRoster requests a few route checks, while
    # behind OneRoster's ~100 routes every Ed-Fi request paid ~0.15-0.2 ms of matching.
    from interop_hub.edfi import endpoints as edfi_resources
    from interop_hub.edfi import endpoints_changes as edfi_changes
    from interop_hub.edfi import endpoints_discovery as edfi_discovery
    from interop_hub.edfi import endpoints_token as edfi_token

    app.include_router(edfi_discovery.router)
    app.include_router(edfi_token.router)
    app.include_router(edfi_changes.router)  # before the resources' /{id} routes
    app.include_router(edfi_resources.router)
    from interop_hub.oneroster import endpoints_v1p1 as oneroster_v1p1
    from interop_hub.oneroster import endpoints_v1p2 as oneroster_v1p2
    from interop_hub.oneroster.endpoints import add_routes

    # Added to the app's router itself, not included (see ``add_routes``).
    add_routes(app.router, oneroster_v1p2.BINDING)
    add_routes(app.router, oneroster_v1p1.BINDING)
