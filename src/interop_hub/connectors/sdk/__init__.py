"""Connector SDK: streams, paginators, authenticators, the HTTP policy, the registry.

Pure: imports neither FastAPI nor SQLAlchemy (a layering test checks it).
"""

from interop_hub.connectors.sdk.auth import BearerToken, OAuth1Signature, OAuth2ClientCredentials
from interop_hub.connectors.sdk.connector import (
    Check,
    Connector,
    ConnectorConfig,
    ExtractContext,
    HttpConnector,
    HttpConnectorConfig,
    Mode,
)
from interop_hub.connectors.sdk.http import RateLimiter, RetryPolicy, SourceClient
from interop_hub.connectors.sdk.paginators import (
    BodyLinkPaginator,
    CursorPaginator,
    LinkHeaderPaginator,
    NextPage,
    OffsetPaginator,
    PageNumberPaginator,
    Paginator,
    SinglePage,
    dig,
)
from interop_hub.connectors.sdk.streams import Stream, StreamState, read_stream

__all__ = [
    "BearerToken",
    "BodyLinkPaginator",
    "Check",
    "Connector",
    "ConnectorConfig",
    "CursorPaginator",
    "ExtractContext",
    "HttpConnector",
    "HttpConnectorConfig",
    "LinkHeaderPaginator",
    "Mode",
    "NextPage",
    "OAuth1Signature",
    "OAuth2ClientCredentials",
    "OffsetPaginator",
    "PageNumberPaginator",
    "Paginator",
    "RateLimiter",
    "RetryPolicy",
    "SinglePage",
    "SourceClient",
    "Stream",
    "StreamState",
    "dig",
    "read_stream",
]
