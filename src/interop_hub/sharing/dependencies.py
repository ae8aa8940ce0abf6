"""Runs a request's reads through a ``ReadGateway`` in one trip to the thread pool.

``read_through_gateway`` opens the session, hands the read function its gateway (and
nothing else) and commits (with the disclosure rows) when the function returns, all in one
thread-pool call that ends *before* the response is sent: if the disclosure cannot be
written, the client gets a 500, never the data. The endpoints are ``async`` and
authenticate on the event loop, so a read costs one thread-pool trip instead of three (a
sync generator dependency is entered and exited in the pool, around the sync endpoint).
Collection totals and page starts are remembered per app (``counts.py``, ``keyset.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from interop_hub.auth.dependencies import AuthSubject
from interop_hub.core.db import session_scope
from interop_hub.sharing.counts import CountCache
from interop_hub.sharing.gateway import ReadGateway, RequestInfo
from interop_hub.sharing.keyset import PageAnchors
from interop_hub.sharing.policy import policy_for_client

__all__ = ["read_through_gateway"]

T = TypeVar("T")

_LOCK = threading.Lock()


def _paging_memo(request: Request) -> tuple[CountCache, PageAnchors]:
    """The app's collection totals and page anchors (one pair per application instance)."""
    state = request.app.state
    memo: tuple[CountCache, PageAnchors] | None = getattr(state, "paging_memo", None)
    if memo is None:
        with _LOCK:
            memo = getattr(state, "paging_memo", None)
            if memo is None:
                memo = state.paging_memo = (CountCache(), PageAnchors())
    return memo


async def read_through_gateway(
    request: Request, subject: AuthSubject, read: Callable[[ReadGateway], T]
) -> T:
    """``read(gateway)`` for ``subject`` (already authenticated and authorised), in one
    transaction of its own (committed on success, rolled back on any error) and one trip
    to the thread pool."""
    counts, anchors = _paging_memo(request)
    factory = request.app.state.sessionmaker
    policy = policy_for_client(subject.client_id)
    info = RequestInfo(subject.client_id, request.url.path, request.url.query or None)

    def run() -> T:
        with session_scope(factory) as session:
            return read(ReadGateway(session, policy, info, counts, anchors))

    return await run_in_threadpool(run)
