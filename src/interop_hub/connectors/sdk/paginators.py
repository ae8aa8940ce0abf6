"""Paginators: how a stream walks from one page to the next.

The engine calls ``first(params)`` for the first request and ``next(...)`` after each
page; ``next`` returns the next request (an absolute URL and/or parameters) or ``None``
when the stream is done. A paginator holds no state of its own between streams: the
engine passes it everything it needs, so one instance can serve many streams.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

__all__ = [
    "BodyLinkPaginator",
    "CursorPaginator",
    "LinkHeaderPaginator",
    "NextPage",
    "OffsetPaginator",
    "PageNumberPaginator",
    "Paginator",
    "SinglePage",
    "dig",
]


def dig(body: Any, path: str | None) -> Any:
    """The value at a dotted ``path`` in a JSON body (``None`` when absent)."""
    if not path:
        return body
    for part in path.split("."):
        if isinstance(body, Mapping):
            body = body.get(part)
        elif isinstance(body, Sequence) and not isinstance(body, str) and part.isdigit():
            index = int(part)
            body = body[index] if index < len(body) else None
        else:
            return None
    return body


def _sent(response: httpx.Response, params: Mapping[str, str], name: str, default: int) -> int:
    """The integer parameter ``name`` as sent (the request URL holds it also after a
    followed link), else as in ``params``, else ``default``."""
    try:
        sent = response.request.url.params.get(name)
    except RuntimeError:  # a response built without a request (unit tests)
        sent = None
    for value in (sent, params.get(name)):
        if value is not None and value.strip().isdigit():
            return int(value)
    return default


@dataclass(frozen=True)
class NextPage:
    """The next request: ``url`` (absolute, replaces the stream's URL and its query) or
    ``params`` (merged into the stream's parameters)."""

    url: str | None = None
    params: Mapping[str, str] | None = None


class Paginator(Protocol):
    def first(self) -> Mapping[str, str]: ...

    def next(
        self,
        response: httpx.Response,
        body: Any,
        records: Sequence[Any],
        params: Mapping[str, str],
    ) -> NextPage | None: ...


class SinglePage:
    """One request returns every record."""

    def first(self) -> Mapping[str, str]:
        return {}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        return None


@dataclass(frozen=True)
class OffsetPaginator:
    """``limit``/``offset`` paging (OneRoster, Ed-Fi).

    The next offset is this page's offset plus the records it *returned*. With a total
    in ``total_header`` (``X-Total-Count``, Ed-Fi's ``Total-Count``) the stream ends when
    the total is reached or a page is empty; a short page is then no sign of the end,
    since servers cap the page size below the one asked for (Ed-Fi at 500), and
    stopping there would silently truncate. Without a total it ends on a short page, so
    ``page_size`` must not exceed the server's cap."""

    page_size: int = 1000
    limit_param: str = "limit"
    offset_param: str = "offset"
    total_header: str | None = None

    def first(self) -> Mapping[str, str]:
        return {self.limit_param: str(self.page_size), self.offset_param: "0"}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        if not records:
            return None
        offset = _sent(response, params, self.offset_param, 0) + len(records)
        total = response.headers.get(self.total_header, "").strip() if self.total_header else ""
        if total.isdigit():
            return (
                None if offset >= int(total) else NextPage(params={self.offset_param: str(offset)})
            )
        if len(records) < self.page_size:
            return None
        return NextPage(params={self.offset_param: str(offset)})


@dataclass(frozen=True)
class PageNumberPaginator:
    """``page``/``pagesize`` paging (PowerSchool). Stops on a short or empty page."""

    page_size: int = 100
    page_param: str = "page"
    size_param: str = "pagesize"
    start: int = 1

    def first(self) -> Mapping[str, str]:
        return {self.page_param: str(self.start), self.size_param: str(self.page_size)}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        if len(records) < self.page_size:
            return None
        page = _sent(response, params, self.page_param, self.start) + 1
        return NextPage(params={self.page_param: str(page)})


@dataclass(frozen=True)
class LinkHeaderPaginator:
    """RFC 8288 ``Link: <...>; rel="next"`` paging (Canvas, OneRoster providers)."""

    page_size: int | None = 100
    size_param: str = "per_page"

    def first(self) -> Mapping[str, str]:
        return {self.size_param: str(self.page_size)} if self.page_size else {}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        link = response.links.get("next")
        url = link.get("url") if link else None
        return NextPage(url=str(response.url.join(url))) if url else None


@dataclass(frozen=True)
class CursorPaginator:
    """A token in the body names the next page (Google ``nextPageToken``)."""

    cursor_path: str = "nextPageToken"
    cursor_param: str = "pageToken"
    page_size: int | None = None
    size_param: str = "pageSize"

    def first(self) -> Mapping[str, str]:
        return {self.size_param: str(self.page_size)} if self.page_size else {}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        cursor = dig(body, self.cursor_path)
        return NextPage(params={self.cursor_param: str(cursor)}) if cursor else None


@dataclass(frozen=True)
class BodyLinkPaginator:
    """A link list in the body names the next page (Clever ``links: [{rel, uri}]``)."""

    links_path: str = "links"
    rel: str = "next"
    href_key: str = "uri"
    page_size: int | None = None
    size_param: str = "limit"

    def first(self) -> Mapping[str, str]:
        return {self.size_param: str(self.page_size)} if self.page_size else {}

    def next(
        self, response: httpx.Response, body: Any, records: Sequence[Any], params: Mapping[str, str]
    ) -> NextPage | None:
        for link in dig(body, self.links_path) or ():
            if (
                isinstance(link, Mapping)
                and link.get("rel") == self.rel
                and link.get(self.href_key)
            ):
                return NextPage(url=str(response.url.join(str(link[self.href_key]))))
        return None
