"""Template helpers for article lists and pages."""

from django import template

from wirewatch.archive.models import Article
from wirewatch.web.dates import format_edition_date

register = template.Library()


@register.filter
def edition_date(article: Article) -> str:
    """The article's publication date in its source's language and time zone (escaped by the template)."""
    source = article.source
    return format_edition_date(article.published, source.language, source.timezone)


@register.filter
def http_url(url: str) -> bool:
    """Whether ``url`` may be a link: only http(s), never javascript: or data: from a hostile source."""
    return url.lower().startswith(("http://", "https://"))


# Sentence ends in the scripts we read: Latin, CJK full stops, Arabic question mark, closing quotes.
_SENTENCE_ENDS = tuple('.!?。！？؟…"”’」』》)')


@register.filter
def is_cut_lead(article: Article) -> bool:
    """Whether the headline is a lead cut mid-sentence, so the page can mark it with an ellipsis (in CSS,
    leaving the text itself as the source gave it)."""
    return article.title_is_lead and not article.title.rstrip().endswith(_SENTENCE_ENDS)
