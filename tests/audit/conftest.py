"""Reuse the OneRoster data and client fixtures."""

from tests.oneroster.conftest import get, roster

__all__ = ["get", "roster"]
