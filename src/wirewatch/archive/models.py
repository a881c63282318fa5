"""Articles and their versions. Versions are append-only: nothing is ever overwritten.

Version text and HTML live in ``Blob`` rows: content-addressed (SHA-256 of the UTF-8 text) and zlib-compressed,
so an unchanged body shared by two versions (a headline-only edit) is stored once. ``Version.text`` and
``Version.html`` stay plain attributes for readers (search indexes ``version.text``).
"""

from __future__ import annotations

import hashlib
import zlib

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property

from wirewatch.archive.blobdata import pack


class Blob(models.Model):
    """One distinct text, compressed. Never updated or deleted: versions point at it."""

    digest = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveIntegerField(help_text="Bytes of the UTF-8 text before compression.")
    data = models.BinaryField(help_text="zlib (RFC 1950) of the UTF-8 text.")

    def __str__(self) -> str:
        return self.digest[:12]

    @staticmethod
    def digest_of(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8")).hexdigest()

    @classmethod
    def intern(cls, value: str) -> Blob:
        """The blob holding ``value``, created if new. Call inside the storing transaction. (The WARC importer
        packs in its workers and inserts a batch's blobs at once: archive/batchstore.py.)"""
        digest, size, data = pack(value)
        blob = cls.objects.filter(pk=digest).first()
        if blob is None:
            # Two writers may store the same new text at once (on PostgreSQL they run concurrently): with ON
            # CONFLICT DO NOTHING the second waits for the first to commit and then reuses its row, instead of
            # failing its whole storing transaction on the primary key.
            made = cls(digest=digest, size=size, data=data)
            cls.objects.bulk_create([made], ignore_conflicts=True)
            blob = cls.objects.get(pk=digest)
        blob.__dict__["text"] = value  # its cached text: readers of the new version need no decompression
        return blob

    @cached_property
    def text(self) -> str:
        return zlib.decompress(bytes(self.data)).decode("utf-8")


class Article(models.Model):
    """One article of one source, identified by its canonical URL. Its text lives in its versions.

    When the source reuses the URL for an entirely different article, the old row is kept and marked
    superseded; the new article gets a row of its own. Only one live (not superseded) row per URL.
    """

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
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "url"],
                condition=Q(superseded_at__isnull=True),
                name="article_unique_live_url",
            )
        ]
        indexes = [
            # current_version last: search's date walk (search/datewalk.py) reads only articles that have one,
            # and with the column in the index that walk never reads the table (a covering index scan).
            models.Index(fields=["-published", "-id", "current_version"], name="article_stream"),
            models.Index(
                fields=["source", "-published", "-id", "current_version"], name="article_source_stream"
            ),
            models.Index(fields=["language", "-published", "-id"], name="article_language_stream"),
            # The stream's ?lang= matches case-insensitively (RFC 5646 section 2.1.1) on lower(language):
            # this index serves it, so a rare language is a short walk, not a scan of the whole stream.
            models.Index(
                Lower("language"), F("published").desc(), F("id").desc(), name="article_lang_ci_stream"
            ),
            models.Index(fields=["source", "url"], name="article_source_url"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def edits(self) -> int:
        return max(0, self.version_count - 1)


class Version(models.Model):
    """What one fetch of an article said. A new version only when the extracted content changed."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    fetched_at = models.DateTimeField(default=timezone.now)
    fetch = models.ForeignKey("fetching.Fetch", null=True, blank=True, on_delete=models.PROTECT)
    title = models.TextField()
    title_is_lead = models.BooleanField(default=False)
    byline = models.CharField(max_length=500, blank=True)
    text_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    html_blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=20)
    published = models.DateTimeField(null=True, blank=True)
    published_from = models.CharField(max_length=20, blank=True)
    extracted_by = models.CharField(max_length=20, help_text="rules | generic | import")
    content_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="version_unique_number")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        """Intern pending text and HTML as blobs first (inside the caller's transaction)."""
        for name in ("text", "html"):
            pending = self.__dict__.pop(f"_pending_{name}", None)
            if pending is not None:
                setattr(self, f"{name}_blob", Blob.intern(pending))
        super().save(*args, **kwargs)

    @property
    def text(self) -> str:
        pending = self.__dict__.get("_pending_text")
        return pending if pending is not None else self.text_blob.text

    @text.setter
    def text(self, value: str) -> None:
        self.__dict__["_pending_text"] = value

    @property
    def html(self) -> str:
        pending = self.__dict__.get("_pending_html")
        return pending if pending is not None else self.html_blob.text

    @html.setter
    def html(self, value: str) -> None:
        self.__dict__["_pending_html"] = value


class RecheckState(models.Model):
    """When to fetch an article again, and what the last checks found (removal evidence in a row)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="recheck"
    )
    next_check_at = models.DateTimeField(db_index=True)
    checks = models.PositiveIntegerField(default=0, help_text="Completed checks: the step on the schedule.")
    failures = models.PositiveIntegerField(default=0, help_text="Removal evidence in a row.")
    failing_since = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.article_id} next {self.next_check_at:%Y-%m-%d %H:%M}"


class Removal(models.Model):
    """One episode of an article being gone at its source; ``restored_at`` set when it came back."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="removals")
    removed_at = models.DateTimeField(help_text="The first failed check of the episode.")
    confirmed_at = models.DateTimeField(help_text="When both thresholds were passed.")
    last_seen = models.DateTimeField(help_text="The last time the source still served it.")
    restored_at = models.DateTimeField(null=True, blank=True)
    evidence = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"{self.article_id} removed {self.removed_at:%Y-%m-%d}"


class ChangeEvent(models.Model):
    """The change stream: edits, removals, restorations and reused URLs, newest id last. Append-only."""

    class Kind(models.TextChoices):
        EDITED = "edited", "edited"
        REMOVED = "removed", "removed"
        RESTORED = "restored", "restored"
        REUSED = "reused", "URL reused for another article"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    removal = models.ForeignKey(Removal, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["source", "-id"], name="change_source"),
            models.Index(fields=["kind", "-id"], name="change_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id}"


class ListingSnapshot(models.Model):
    """The article URLs on a listing's first page at the last poll, in order: to notice what vanished."""

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    urls = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "url"], name="listing_snapshot_unique_url")]

    def __str__(self) -> str:
        return self.url
