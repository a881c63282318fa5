"""Source pages: all sources with their health, one source's articles, and the "More Articles" listing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from wirewatch.sources.models import Source
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery, paginate
from wirewatch.web.views.common import optional_id, page_url, paging_links
from wirewatch.web.views.errors import bad_request


def source_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/source_list.html", {"sources": Source.objects.all()})


def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    try:
        page = paginate(queries.of_source(source), request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    context = {
        "source": source,
        "page": page,
        **paging_links(request, page.next_cursor),
    }
    return render(request, "web/source_detail.html", context)


def source_more(request: HttpRequest, slug: str) -> HttpResponse:
    """The next items after the article page's rail: a full page, or with ``?partial=1`` the fragment
    more.js appends in place. One URL scheme for both, so the no-JS link and the script agree on paging."""
    source = get_object_or_404(Source, slug=slug)
    try:
        exclude_id = optional_id(request.GET.get("exclude"), "exclude")
        page = paginate(queries.of_source(source, exclude_id), request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    context = {
        "source": source,
        "page": page,
        "next_url": page_url(request, page.next_cursor) if page.next_cursor else None,
    }
    template = "web/more_fragment.html" if request.GET.get("partial") == "1" else "web/source_more.html"
    return render(request, template, context)
