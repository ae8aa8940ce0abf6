"""Interop Hub: an open K-12 data interoperability hub."""

__version__ = "0.1.0"
