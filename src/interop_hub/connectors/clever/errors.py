"""What a failed Clever request means, in words an administrator can act on.

The SDK's client turns every failure into a ``SourceError`` subclass naming the URL
(``SourceAuthError`` for 401/403, ``SourceUnavailable`` once 429/5xx/timeouts exhaust the
retries, ``SourceDataError`` for malformed bodies). ``explain`` keeps the class and that
text and puts the stream and the likely cause first, following Clever's error table:

* **401**: the token is not a valid district-app token (revoked, mistyped, or the
  district disconnected the app).
* **403**: the token may not read this data: an instant-login (user) token, or data the
  district does not share with the app.
* **404**: a wrong base URL or API version, or (for one record) a record unshared or
  deleted meanwhile; on ``/events``, events not enabled for the app.
* **429 beyond the retries**: the 1,200 requests a minute per token are used up, often
  by another process on the same token.

The client's messages carry the status as ``(HTTP 403)`` or ``: HTTP 404:``; it is read
back from there because ``SourceError`` has no status attribute.
"""

from __future__ import annotations

import re
from typing import Final

from interop_hub.core.errors import SourceError, SourceUnavailable

__all__ = ["explain", "http_status"]

_STATUS: Final = re.compile(r"\(HTTP (\d{3})\)|: HTTP (\d{3}):")


def http_status(exc: SourceError) -> int | None:
    match = _STATUS.search(exc.message)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def _cause(exc: SourceError, stream: str) -> str | None:
    status = http_status(exc)
    if status == 401:
        return (
            "Clever refused the token: it is not a valid district-app token (revoked, "
            "mistyped, or the district disconnected the app); copy the district's current "
            "token from the Clever dashboard"
        )
    if status == 403:
        return (
            f"the token may not read {stream}: use the district-app token (instant-login "
            "tokens cannot read district data) and check what the district shares with the app"
        )
    if status == 404 and stream == "events":
        return (
            "Clever has no events for this app: enable events in the app's Clever dashboard "
            "(Settings > Integrations), or set use_events to false"
        )
    if status == 404:
        return (
            f"Clever has no {stream} here: check base_url (https://api.clever.com/v3.0) and "
            "that the district still shares the data with the app"
        )
    if isinstance(exc, SourceUnavailable) and "HTTP 429" in exc.message:
        return (
            "Clever kept rate-limiting the requests (1,200 a minute per token); lower "
            "requests_per_second or check for other processes using the same token"
        )
    return None


def explain(exc: SourceError, stream: str) -> SourceError:
    """The same kind of error, its message led by the stream and the likely cause."""
    cause = _cause(exc, stream)
    detail = exc.message.removeprefix(f"{stream}: ")
    lead = f"clever {stream}: {cause}. " if cause else f"clever {stream}: "
    return type(exc)(lead + detail)
