"""Articles and their versions. Versions are append-only: nothing is ever overwritten."""

from django.db import models
from django.utils import timezone


class Article(models.Model):
    """One article of one source, identified by its canonical URL. Its text lives in its versions."""

    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="articles")
    url = models.URLField(max_length=2000, help_text="The canonical original URL.")
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    # Denormalised from the current version so that lists never touch version text.
    title = models.TextField()
    title_is_lead = models.BooleanField(default=False)
    language = models.CharField(max_length=20)
    published = models.DateTimeField()
    published_is_estimate = models.BooleanField(default=False)
    published_from = models.CharField(max_length=20, help_text="meta | listing | url | dateline | first-seen")
    current_version = models.ForeignKey(
        "archive.Version", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version_count = models.PositiveIntegerField(default=0)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "url"], name="article_unique_source_url")]
        indexes = [
            models.Index(fields=["-published", "-id"], name="article_stream"),
            models.Index(fields=["source", "-published", "-id"], name="article_source_stream"),
            models.Index(fields=["language", "-published", "-id"], name="article_language_stream"),
        ]

    def __str__(self) -> str:
        return self.title


class Version(models.Model):
    """What one fetch of an article said. A new version only when the extracted content changed."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    fetched_at = models.DateTimeField(default=timezone.now)
    fetch = models.ForeignKey("fetching.Fetch", null=True, blank=True, on_delete=models.PROTECT)
    title = models.TextField()
    title_is_lead = models.BooleanField(default=False)
    byline = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    html = models.TextField(help_text="The body as sanitised HTML, safe to show.")
    language = models.CharField(max_length=20)
    published = models.DateTimeField(null=True, blank=True)
    published_from = models.CharField(max_length=20, blank=True)
    extracted_by = models.CharField(max_length=20, help_text="rules | generic")
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="version_unique_number")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
