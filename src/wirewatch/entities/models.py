"""People, organisations and places (the gazetteer), and what we found of them in each article version.

Rows found in text (mentions, appearances, text dates) are written per *version* by the ``versions_stored``
receiver; ``is_current`` marks the rows of each article's current version, so that lists and the search filters
ask one indexed column instead of joining through ``Article.current_version``. Older versions keep their rows:
when a source edits a name out of an article, what it used to say stays queryable.
"""

from django.db import models
from django.utils import timezone


class Entity(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "person"
        ORGANISATION = "organisation", "organisation"
        PLACE = "place", "place"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, help_text="The display name, in English.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300, blank=True)
    track_appearances = models.BooleanField(
        default=False, help_text="List this person's public appearances (visits, inspections, meetings...)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name


class Alias(models.Model):
    """One spelling of an entity: a script, a romanisation, an abbreviation."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    language = models.CharField(max_length=20, blank=True, help_text="BCP 47 code of the spelling, if any.")

    class Meta:
        ordering = ["entity", "text"]
        constraints = [models.UniqueConstraint(fields=["entity", "text"], name="alias_unique_text")]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.text


class GazetteerRevision(models.Model):
    """One row whose number goes up whenever an entity or alias changes (any process: admin, import), so that
    every process rebuilds its matcher on the next article it reads."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"gazetteer revision {self.number}"


class Mention(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("archive.Version", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()
    first_offset = models.PositiveIntegerField(help_text="Where the first mention starts in title + text.")
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "version"], name="mention_unique_version")]
        indexes = [
            models.Index(fields=["entity", "is_current"], name="mention_entity_current"),
            models.Index(fields=["article", "is_current"], name="mention_article_current"),
        ]

    def __str__(self) -> str:
        return f"entity {self.entity_id} in version {self.version_id} ({self.count}x)"


class Appearance(models.Model):
    """An article reporting a tracked person's public appearance: the sentence, its kind, date and place."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="appearances")
    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("archive.Version", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, help_text="visit | inspection | meeting | letter | speech | event")
    sentence = models.TextField()
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    place = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "version"], name="appearance_unique_version")
        ]
        indexes = [models.Index(fields=["entity", "is_current"], name="appearance_entity_current")]

    def __str__(self) -> str:
        return f"{self.kind} of entity {self.entity_id} in article {self.article_id}"


class TextDate(models.Model):
    """A date or date range written in an article's text ("May 7 to 8 Juche 107 (2018)"), as ISO dates."""

    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("archive.Version", on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    text = models.CharField(max_length=100, help_text="The words as written (normalised).")
    is_current = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["is_current", "start", "end"], name="textdate_current_range")]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} in version {self.version_id}"
