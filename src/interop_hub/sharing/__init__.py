"""Sharing: what each API client may see, applied inside every SQL statement.

``ReadGateway`` (gateway.py) is the single read path to canonical data: it adds the
caller's ``SharingPolicy`` (policy.py) to each statement and records a disclosure through
``interop_hub.audit`` for every primary read. Repositories take a gateway, never a session.
"""
