"""The Atom feed of a tracked person's appearances (Django's syndication framework writes valid Atom 1.0)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from wirewatch.entities.models import Appearance, Entity
from wirewatch.entities.queries import latest_appearances

FEED_SIZE = 50


class AppearancesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Entity:
        entity = get_object_or_404(Entity, slug=slug)
        if not entity.track_appearances:
            raise Http404("Appearances are not tracked for this entity.")
        return entity

    def title(self, entity: Entity) -> str:
        return f"Appearances of {entity.name} — Wirewatch"

    def link(self, entity: Entity) -> str:
        return reverse("entities:appearances", args=[entity.slug])

    def subtitle(self, entity: Entity) -> str:
        return (
            f"Articles reporting public appearances of {entity.name}: visits, inspections, meetings, letters."
        )

    def items(self, entity: Entity) -> list[Appearance]:
        return latest_appearances(entity, FEED_SIZE)

    def item_title(self, item: Appearance) -> str:
        return f"{item.kind.capitalize()}: {item.article.title}"

    def item_description(self, item: Appearance) -> str:
        # Atom puts this in <summary type="html">, which readers render as HTML: the sentence and names come from
        # sources, so they are escaped here (Django only XML-escapes, which readers undo).
        details = [item.sentence]
        if item.date_start:
            details.append(f"Date: {_dates(item)}")
        if item.place:
            details.append(f"Place: {item.place.name}")
        details.append(f"Source: {item.article.source.display_name}")
        return escape("\n".join(details))

    def item_link(self, item: Appearance) -> str:
        return reverse("web:article", args=[item.article_id])

    def item_guid(self, item: Appearance) -> str:
        return f"wirewatch:appearance:{item.entity_id}:{item.article_id}"

    def item_guid_is_permalink(self, item: Appearance) -> bool:
        return False

    def item_pubdate(self, item: Appearance):
        return item.article.published

    def item_updateddate(self, item: Appearance):
        return item.article.last_seen


def _dates(item: Appearance) -> str:
    if item.date_end and item.date_end != item.date_start:
        return f"{item.date_start:%Y-%m-%d} to {item.date_end:%Y-%m-%d}"
    return f"{item.date_start:%Y-%m-%d}"
