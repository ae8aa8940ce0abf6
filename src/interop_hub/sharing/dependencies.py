"""FastAPI dependency that hands an endpoint its ``ReadGateway`` (and nothing else).

The gateway's session commits (with the disclosure rows) when the endpoint function
returns and *before* the response is sent (``scope="function"``): if the disclosure cannot
be written, the client gets a 500, never the data. Collection totals and page starts are
remembered per app (``counts.py``, ``keyset.py``).
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Depends, Request

from interop_hub.auth.dependencies import AuthSubject
from interop_hub.core.db import session_scope
from interop_hub.sharing.counts import CountCache
from interop_hub.sharing.gateway import ReadGateway, RequestInfo
from interop_hub.sharing.keyset import PageAnchors
from interop_hub.sharing.policy import policy_for_client

__all__ = ["gateway_dependency"]

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


def gateway_dependency(auth: Any) -> Any:
    """``Depends`` marker yielding a ``ReadGateway`` for a caller authorised by ``auth``
    (an ``Annotated[AuthSubject, Depends(...)]`` alias such as ``RosterCoreRead``)."""

    def open_gateway(request: Request, subject: AuthSubject) -> Iterator[ReadGateway]:
        counts, anchors = _paging_memo(request)
        with session_scope(request.app.state.sessionmaker) as session:
            yield ReadGateway(
                session,
                policy_for_client(subject.client_id),
                RequestInfo(subject.client_id, request.url.path, request.url.query or None),
                counts,
                anchors,
            )

    params = list(inspect.signature(open_gateway).parameters.values())
    params[0] = params[0].replace(annotation=Request)
    params[1] = params[1].replace(annotation=auth)
    dependency: Callable[..., Iterator[ReadGateway]] = open_gateway
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        params, return_annotation=Iterator[ReadGateway]
    )
    return Depends(dependency, scope="function")
