"""The Starlette side of authlib's request abstraction (authlib ships Flask/Django only)."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from starlette.datastructures import FormData
from starlette.requests import Request

__all__ = ["StarletteOAuth2Payload", "StarletteOAuth2Request"]


class StarletteOAuth2Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, form: FormData) -> None:
        self._datalist: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                self._datalist.setdefault(key, []).append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """An authlib request over a Starlette request whose form body was already read.

    Raises authlib's ``InsecureTransportError`` for a non-TLS, non-loopback URL.
    """

    def __init__(self, request: Request, form: FormData) -> None:
        super().__init__(method=request.method, uri=str(request.url), headers=request.headers)
        self.payload = StarletteOAuth2Payload(form)
        self._query = dict(request.query_params)
        self.content_type = request.headers.get("content-type", "")

    @property
    def args(self) -> dict[str, str]:
        return self._query

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data
