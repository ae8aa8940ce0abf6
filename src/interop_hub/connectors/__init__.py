"""Connectors: the only code that talks to the outside world.

Connectors are pure (they import neither FastAPI nor SQLAlchemy): they read a source and
yield validated raw records plus a stream name. Writing into the store is ``interop_hub.sync``'s
job.
"""
