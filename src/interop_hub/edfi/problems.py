"""Ed-Fi v7 problem details: ``{detail, type, title, status, correlationId, validationErrors,
errors}`` with ``type`` = ``urn:ed-fi:api:`` + colon-joined parts."""

from __future__ import annotations

import uuid
from typing import Any, Final

from interop_hub.core.errors import HubError
from interop_hub.edfi.errors import EdfiError

__all__ = ["URN_PREFIX", "problem_details"]

URN_PREFIX: Final = "urn:ed-fi:api:"

# Type and title for errors raised outside the Ed-Fi package (auth, rate limit, routing).
_BY_STATUS: Final[dict[int, tuple[str, str]]] = {
    400: ("bad-request", "Bad Request"),
    401: ("security:authentication", "Authentication Failed"),
    403: ("security:authorization", "Authorization Denied"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    406: ("not-acceptable", "Not Acceptable"),
    409: ("conflict", "Data Conflict"),
    412: ("optimistic-lock-failed", "Optimistic Lock Failed"),
    413: ("bad-request:payload-too-large", "Payload Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
    422: ("bad-request", "Bad Request"),
    429: ("too-many-requests", "Too Many Requests"),
}
_SYSTEM: Final = ("system", "Internal Server Error")


def problem_details(
    status: int,
    detail: str,
    exc: Exception | None = None,
    *,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """The problem-details body for an error answered with ``status``."""
    if isinstance(exc, EdfiError):
        type_suffix, title = exc.problem_type, exc.title
    else:
        type_suffix, title = _BY_STATUS.get(status, _SYSTEM)
    if status == 422:
        status = 400
    body: dict[str, Any] = {
        "detail": detail,
        "type": URN_PREFIX + type_suffix,
        "title": title,
        "status": status,
        "correlationId": correlation_id or uuid.uuid4().hex,
    }
    if isinstance(exc, EdfiError):
        if exc.validation_errors:
            body["validationErrors"] = exc.validation_errors
        if exc.errors:
            body["errors"] = exc.errors
    elif isinstance(exc, HubError) and status >= 500:
        body["detail"] = "An unexpected problem has occurred."
    return body
