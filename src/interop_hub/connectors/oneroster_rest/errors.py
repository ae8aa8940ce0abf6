"""What a failed OneRoster request means, in words an administrator can act on.

The engine's HTTP client already turns every failure into a ``SourceError`` subclass
(``SourceAuthError`` for 401/403 and a refused token, ``SourceUnavailable`` once retries
run out, ``SourceDataError`` for malformed bodies). ``explain`` keeps the class and the
original text and adds the stream and the likely cause:

* **403 on /demographics**: the client was not granted ``roster-demographics.readonly``
  (the demographics endpoints accept only that scope). The run fails rather than skip
  demographics silently: grant the scope, or turn ``include_demographics`` off.
* **403 elsewhere**: a missing rostering scope, or data outside the client's tenant.
* **A refused token with ``invalid_scope``** while the default scopes are requested: the
  demographics scope is the usual culprit, with the same two remedies.
* **404 on a collection**: the base URL or version is wrong (a 1.2 provider serves
  ``/ims/oneroster/rostering/v1p2``, a 1.1 provider ``/ims/oneroster/v1p1``).
* **400 in an incremental run**: the provider rejected ``filter=dateLastModified>...``
  (not every provider implements filters); such a provider needs full runs.

The client's messages carry the HTTP status as ``(HTTP 403)`` or ``: HTTP 404:``; the
status is read back from there because ``SourceError`` has no status attribute.
"""

from __future__ import annotations

import re
from typing import Final

from interop_hub.connectors.oneroster_rest.config import VERSION_PATHS, OneRosterRestConfig
from interop_hub.core.errors import SourceAuthError, SourceError

__all__ = ["explain", "http_status"]

_STATUS: Final = re.compile(r"\(HTTP (\d{3})\)|: HTTP (\d{3}):")
_DEMOGRAPHICS_REMEDY: Final = (
    "grant the roster-demographics.readonly scope to this client at the provider, or set "
    "include_demographics to false to sync without demographics"
)


def http_status(exc: SourceError) -> int | None:
    match = _STATUS.search(exc.message)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def _cause(
    exc: SourceError, collection: str, config: OneRosterRestConfig, incremental: bool
) -> str | None:
    status = http_status(exc)
    token = "token endpoint" in exc.message
    if isinstance(exc, SourceAuthError) and token:
        if "invalid_scope" in exc.message and config.scope is None and config.include_demographics:
            return (
                "the token endpoint refused the requested scopes; if the client lacks "
                f"roster-demographics.readonly, {_DEMOGRAPHICS_REMEDY}"
            )
        return "check client_id, client_secret, token_url and token_auth_method"
    if status == 403 and collection == "demographics":
        return f"the client lacks the demographics scope: {_DEMOGRAPHICS_REMEDY}"
    if status == 403:
        return (
            "the client lacks a rostering scope for this collection (roster-core.readonly or "
            "roster.readonly), or the data is outside its tenant"
        )
    if status == 401:
        if config.auth == "oauth1":
            return "check the consumer key and secret (client_id, client_secret)"
        if config.auth == "bearer":
            return "the token was refused: it may have been revoked; issue a new one"
        return (
            "the provider refused the token its token endpoint issued: is token_url the "
            "provider's, and is the client enabled for its OneRoster API?"
        )
    if status == 404:
        return (
            f"the provider has no {collection} collection at {config.api_root()}: check base_url "
            f"and version ({config.version} is served at {VERSION_PATHS[config.version]})"
        )
    if status == 400 and incremental:
        return (
            "the provider rejected the request of an incremental run, which filters on "
            "dateLastModified; a provider without filter support needs full runs"
        )
    return None


def explain(
    exc: SourceError, collection: str, config: OneRosterRestConfig, *, incremental: bool = False
) -> SourceError:
    """``exc`` again (same class), its message prefixed with the collection and a cause."""
    cause = _cause(exc, collection, config, incremental)
    text = exc.message.removeprefix(f"{collection}: ")  # the engine may have named it
    message = f"OneRoster {collection}: {text}"
    if cause:
        message += f" ({cause})"
    return type(exc)(message)
