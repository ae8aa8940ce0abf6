"""Request authentication: every data route names the scopes it accepts (deny by default)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from interop_hub.auth.rate_limit import limiter_for
from interop_hub.auth.scopes import (
    ADMIN,
    ROSTER_CORE_READONLY,
    ROSTER_DEMOGRAPHICS_READONLY,
    ROSTER_READONLY,
    V1P1_ROSTER_CORE_READONLY,
    V1P1_ROSTER_DEMOGRAPHICS_READONLY,
    V1P1_ROSTER_READONLY,
)
from interop_hub.auth.tokens import verify_token
from interop_hub.core.errors import Forbidden, Unauthorized

__all__ = [
    "AdminAccess",
    "AuthSubject",
    "Authenticator",
    "DemographicsRead",
    "RosterCoreRead",
    "RosterRead",
    "V1p1DemographicsRead",
    "V1p1RosterCoreRead",
    "V1p1RosterRead",
]


@dataclass(frozen=True)
class AuthSubject:
    """The authenticated caller: an API client, the scopes its token carries and the
    education organizations it is restricted to (None: unrestricted; Ed-Fi only)."""

    client_id: str
    scopes: frozenset[str]
    edorgs: frozenset[int] | None = None


class Authenticator:
    """Dependency that requires a valid bearer token holding at least one of ``any_of``,
    then counts the request against the client's rate limit."""

    def __init__(self, *any_of: str) -> None:
        self.any_of = frozenset(any_of)

    async def __call__(self, request: Request) -> AuthSubject:
        """Runs on the event loop (no thread hop): a verified token is cached
        (``tokens.verify_token``) and the rate limiter answers from its lease; only when
        the lease is used up does the limiter's statement run, in the thread pool."""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise Unauthorized(
                "Missing Authorization header; send 'Authorization: Bearer <token>'."
            )
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("The Authorization header must use the Bearer scheme.")
        try:
            claims = verify_token(request.app.state.signing_key, token.strip())
        except Unauthorized as exc:  # RFC 6750 §3: say why in WWW-Authenticate as well
            challenge = f'Bearer error="invalid_token", error_description="{exc.message}"'
            raise Unauthorized(exc.message, headers={"WWW-Authenticate": challenge}) from exc
        if self.any_of and not (claims.scopes & self.any_of):
            needed = " or ".join(sorted(self.any_of))
            challenge = (
                f'Bearer error="insufficient_scope", scope="{" ".join(sorted(self.any_of))}"'
            )
            raise Forbidden(
                f"The access token lacks the required scope: {needed}.",
                headers={"WWW-Authenticate": challenge},
            )
        per_minute = request.app.state.settings.rate_limit_per_minute
        if per_minute:
            limiter = limiter_for(request.app.state.sessionmaker)
            now = time.time()
            if not limiter.admit(claims.client_id, per_minute, now):
                await run_in_threadpool(limiter.take, claims.client_id, per_minute, now)
        return AuthSubject(client_id=claims.client_id, scopes=claims.scopes, edorgs=claims.edorgs)


# Scope rules from the OneRoster 1.2 Rostering OpenAPI: base getAll*/get* routes accept
# roster-core.readonly or roster.readonly; nested "...For..." routes accept only
# roster.readonly; demographics routes need roster-demographics.readonly.
RosterCoreRead = Annotated[
    AuthSubject, Depends(Authenticator(ROSTER_CORE_READONLY, ROSTER_READONLY))
]
RosterRead = Annotated[AuthSubject, Depends(Authenticator(ROSTER_READONLY))]
DemographicsRead = Annotated[AuthSubject, Depends(Authenticator(ROSTER_DEMOGRAPHICS_READONLY))]

# OneRoster 1.1 routes accept the 1.1 scope URIs and their 1.2 equivalents, same rules.
V1p1RosterCoreRead = Annotated[
    AuthSubject,
    Depends(
        Authenticator(
            V1P1_ROSTER_CORE_READONLY, V1P1_ROSTER_READONLY, ROSTER_CORE_READONLY, ROSTER_READONLY
        )
    ),
]
V1p1RosterRead = Annotated[
    AuthSubject, Depends(Authenticator(V1P1_ROSTER_READONLY, ROSTER_READONLY))
]
V1p1DemographicsRead = Annotated[
    AuthSubject,
    Depends(Authenticator(V1P1_ROSTER_DEMOGRAPHICS_READONLY, ROSTER_DEMOGRAPHICS_READONLY)),
]

# District IT only: connectors, sync runs and holds under /admin.
AdminAccess = Annotated[AuthSubject, Depends(Authenticator(ADMIN))]
