"""Connector discovery through the ``interop_hub.connectors`` entry-point group.

A third-party package registers ``my_kind = my_package.connector:MyConnector`` in that
group; the hub's own connectors are registered the same way in ``pyproject.toml``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import entry_points
from typing import Final

from interop_hub.connectors.sdk.connector import Connector
from interop_hub.core.errors import NotFound

__all__ = ["GROUP", "available", "broken", "connector_class"]

GROUP: Final = "interop_hub.connectors"


@lru_cache
def _load() -> tuple[dict[str, type[Connector]], dict[str, str]]:
    found: dict[str, type[Connector]] = {}
    broken: dict[str, str] = {}
    for ep in entry_points(group=GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken plugin must not take the hub down
            broken[ep.name] = f"{ep.value}: {type(exc).__name__}: {exc}"
            continue
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            broken[ep.name] = f"{ep.value} is not a Connector subclass"
        elif (kind := getattr(cls, "kind", None)) != ep.name:
            broken[ep.name] = f"{ep.value} declares kind {kind!r}, not {ep.name!r}"
        else:
            found[ep.name] = cls
    return found, broken


def available() -> dict[str, type[Connector]]:
    """Every loadable registered connector class by kind."""
    return _load()[0]


def broken() -> dict[str, str]:
    """Registered connectors that failed to load, with the reason (shown by the admin API)."""
    return _load()[1]


def connector_class(kind: str) -> type[Connector]:
    try:
        return available()[kind]
    except KeyError:
        known = ", ".join(sorted(available())) or "none"
        if kind in broken():
            raise NotFound(f"connector kind {kind!r} failed to load: {broken()[kind]}") from None
        raise NotFound(f"unknown connector kind {kind!r} (installed: {known})") from None
