"""Small helpers the page views share."""

from __future__ import annotations

from django.http import HttpRequest

from wirewatch.web.paging import BadQuery, whole_number


def page_url(request: HttpRequest, cursor: str, path: str | None = None) -> str:
    """This page's URL (or ``path``) with the same query but ``cursor`` replaced: filters survive paging."""
    params = request.GET.copy()
    params.pop("partial", None)
    params["cursor"] = cursor
    return f"{path or request.path}?{params.urlencode()}"


def optional_id(raw: str | None, name: str) -> int | None:
    """A positive integer query parameter, or None when absent; BadQuery when malformed."""
    if raw is None or raw == "":
        return None
    number = whole_number(raw)
    if number is None:
        raise BadQuery(f"{name} must be a whole number.")
    return number


def paging_links(request: HttpRequest, next_cursor: str | None) -> dict[str, str | None]:
    """The pager's two links: older (after this page) and, once paged, back to the newest with the same filters."""
    newest_url = None
    if request.GET.get("cursor"):
        params = request.GET.copy()
        params.pop("cursor")
        newest_url = f"{request.path}?{params.urlencode()}" if params else request.path
    return {"next_url": page_url(request, next_cursor) if next_cursor else None, "newest_url": newest_url}
