"""``{% also_published article as copies %}``: the article's copies in other sources, for the article page."""

from django import template

from wirewatch.archive.models import Article
from wirewatch.dedupe.queries import also_published as copies_of

register = template.Library()


@register.simple_tag
def also_published(article: Article) -> list[Article]:
    return copies_of(article)
