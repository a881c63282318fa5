"""The article page: headline, date line, body, and the rail of more articles from the same source."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from wirewatch.accounts import reader
from wirewatch.archive.models import Article
from wirewatch.web import queries
from wirewatch.web.paging import paginate


def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.article_with_version(pk)
    if item is None:
        raise Http404("No such article.")
    rail = paginate(queries.of_source(item.source, exclude_id=item.pk), None, queries.RAIL_SIZE)
    context = {
        "article": item,
        "source": item.source,
        "version": item.current_version,
        "rail": rail.items,
        "more_url": more_url(item, rail.next_cursor) if rail.next_cursor else None,
        **reader.article_context(request, item),
    }
    return render(request, "web/article.html", context)


def more_url(item: Article, cursor: str) -> str:
    """The listing that continues the rail: same source, after the rail's last item, without this article."""
    path = reverse("web:source-more", args=[item.source.slug])
    return f"{path}?cursor={cursor}&exclude={item.pk}"
