"""Paging headers: ``X-Total-Count`` and RFC 5988 ``Link`` (first/last/prev/next)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

__all__ = ["paging_headers"]

EXPOSE = "X-Total-Count, Link"


def _url(base: str, params: list[tuple[str, str]], limit: int, offset: int) -> str:
    query = urlencode([*params, ("limit", str(limit)), ("offset", str(offset))])
    return f"{base}?{query}"


def paging_headers(
    url: str, params: Iterable[tuple[str, str]], *, limit: int, offset: int, total: int
) -> dict[str, str]:
    """Headers for a page at ``offset`` of ``limit`` records out of ``total``.

    ``url`` is the absolute URL of the collection without a query; ``params`` are the
    request's other query parameters, kept in every link. ``prev`` is omitted on the first
    page and ``next`` on the last; ``last`` is the final page of the grid starting at 0.
    """
    kept = [(k, v) for k, v in params if k not in ("limit", "offset")]
    last = ((total - 1) // limit) * limit if total > 0 else 0
    links = [f'<{_url(url, kept, limit, 0)}>; rel="first"']
    if offset > 0:
        prev = max(0, min(offset - limit, last))
        links.append(f'<{_url(url, kept, limit, prev)}>; rel="prev"')
    if offset + limit < total:
        links.append(f'<{_url(url, kept, limit, offset + limit)}>; rel="next"')
    links.append(f'<{_url(url, kept, limit, last)}>; rel="last"')
    return {
        "X-Total-Count": str(total),
        "Link": ", ".join(links),
        "Access-Control-Expose-Headers": EXPOSE,
    }
