"""What a failed PowerSchool request means, in words a district administrator can act on.

The engine's HTTP client already turns every failure into a ``SourceError`` subclass
(``SourceAuthError`` for 401/403 and a refused token, ``SourceUnavailable`` once retries
run out, ``SourceDataError`` for malformed bodies). ``explain`` keeps the class and the
original message, and adds what was being read and the likely cause:

* **The token endpoint refused the credentials**: the client id or secret is wrong, or
  they were regenerated, or the plugin is disabled (a disabled plugin's credentials stop
  working).
* **401 on a resource** (after one fresh token): PowerSchool no longer accepts tokens of
  this plugin, usually because the plugin was disabled or reinstalled.
* **403**: the plugin's ``plugin.xml`` does not grant access to the data (its
  ``<access_request>`` fields, or the resource is not enabled under Data Access); the
  body usually names the table and field.
* **404**: ``base_url`` is not a PowerSchool server's root, or the record went away while
  the run read it (a section deleted during the run).

The client's messages carry the HTTP status as ``(HTTP 403)`` or ``: HTTP 404:``; it is
read back from there because ``SourceError`` has no status attribute.
"""

from __future__ import annotations

import re
from typing import Final

from interop_hub.core.errors import SourceError

__all__ = ["explain", "http_status"]

_STATUS: Final = re.compile(r"\(HTTP (\d{3})\)|: HTTP (\d{3}):")
_PLUGIN_PAGE: Final = "System > System Settings > Plugin Management Configuration"


def http_status(exc: SourceError) -> int | None:
    match = _STATUS.search(exc.message)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def cause(exc: SourceError) -> str | None:
    status = http_status(exc)
    if "token endpoint" in exc.message and status in (400, 401, 403):
        return (
            "check client_id and client_secret (the plugin's Data Provider Configuration "
            f"under {_PLUGIN_PAGE}) and that the plugin is enabled"
        )
    if status == 401:
        return (
            "PowerSchool refused a token it had just issued: the plugin was probably "
            f"disabled or reinstalled ({_PLUGIN_PAGE})"
        )
    if status == 403:
        return (
            "the plugin is not allowed to read this data: grant it in the plugin's "
            "plugin.xml (<access_request> fields) and re-enable the plugin, or turn the "
            "corresponding option off"
        )
    if status == 404:
        return (
            "PowerSchool has no such resource: check that base_url is the server's root "
            "(not .../ws/v1), or the record was deleted while the run read it"
        )
    return None


def explain(exc: SourceError, what: str) -> SourceError:
    """``exc`` again (same class), its message prefixed with ``what`` and the likely cause."""
    reason = cause(exc)
    message = f"PowerSchool {what}: {exc.message}" + (f" ({reason})" if reason else "")
    return type(exc)(message)
