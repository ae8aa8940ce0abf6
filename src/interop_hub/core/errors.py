"""The one error tree of the hub. Each surface renders it in its own shape.

    HubError                      (500, internal_server_error)
    ├── InvalidRequest            (400, invaliddata)
    │   ├── InvalidFilterField    (400, invalid_filter_field)
    │   └── InvalidSelectionField (400, invalid_selection_field)
    ├── Unauthorized              (401, unauthorisedrequest)
    ├── Forbidden                 (403, forbidden)
    ├── NotFound                  (404, unknownobject)
    ├── Unprocessable             (422, invaliddata)
    ├── Conflict                  (409, conflict)
    ├── RateLimited               (429, server_busy)
    ├── ImportRejected            (422, invaliddata; carries a per-row report)
    └── SourceError               (502, source_error: a connector's source failed)
        ├── SourceAuthError       (credentials rejected: 401/403 from the source)
        ├── SourceUnavailable     (unreachable, timeouts, 5xx, 429 beyond the retry budget)
        └── SourceDataError       (malformed JSON, a repeating page, an unexpected shape)

The OneRoster surface renders these as ``imsx_*`` status payloads; the admin/CLI surface
as plain JSON or text. Expected errors are always ``HubError`` subclasses; anything else
is a bug and becomes a 500 without leaking internals.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "Conflict",
    "Forbidden",
    "HubError",
    "ImportRejected",
    "InvalidFilterField",
    "InvalidRequest",
    "InvalidSelectionField",
    "NotFound",
    "RateLimited",
    "SourceAuthError",
    "SourceDataError",
    "SourceError",
    "SourceUnavailable",
    "Unauthorized",
    "Unprocessable",
]


class HubError(Exception):
    status_code: int = 500
    code_minor: str = "internal_server_error"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class InvalidRequest(HubError):
    status_code = 400
    code_minor = "invaliddata"


class InvalidFilterField(InvalidRequest):
    code_minor = "invalid_filter_field"


class InvalidSelectionField(InvalidRequest):
    code_minor = "invalid_selection_field"


class Unauthorized(HubError):
    status_code = 401
    code_minor = "unauthorisedrequest"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer", **(headers or {})})


class Forbidden(HubError):
    status_code = 403
    code_minor = "forbidden"


class NotFound(HubError):
    status_code = 404
    code_minor = "unknownobject"


class Unprocessable(HubError):
    status_code = 422
    code_minor = "invaliddata"


class Conflict(HubError):
    status_code = 409
    code_minor = "conflict"


class RateLimited(HubError):
    status_code = 429
    code_minor = "server_busy"


class ImportRejected(HubError):
    """A package failed validation; nothing was applied. ``problems`` lists every finding."""

    status_code = 422
    code_minor = "invaliddata"

    def __init__(self, message: str, problems: list[Any]) -> None:
        super().__init__(message)
        self.problems = problems


class SourceError(HubError):
    """A connector's source failed; the run fails and nothing is applied."""

    status_code = 502
    code_minor = "source_error"


class SourceAuthError(SourceError):
    pass


class SourceUnavailable(SourceError):
    pass


class SourceDataError(SourceError):
    pass
