"""Accounts: a role per user, API tokens, and each user's own reading state (read, starred, notes).

Everything a user owns points at the user with on_delete=CASCADE and is always queried through
``owner=request.user``: that one habit is what keeps one user's tokens and notes away from another.
Saved searches and alerts (later) follow the same pattern: an ``owner`` FK plus a ``shared`` flag.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    # Ordered from least to most: roles.py compares them by this order.
    VIEWER = "viewer", "viewer (read only)"
    ANALYST = "analyst", "analyst (notes, exports, saved searches)"
    ADMIN = "admin", "admin (sources, users, settings)"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    # Everything up to this article id counts as read ("mark all read"), so that marking a million
    # articles read is one UPDATE instead of a million rows.
    read_through_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ReadMark(models.Model):
    """An article a user opened (beyond their read_through_id), or starred."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    starred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "article"], name="readmark_unique_owner")]

    def __str__(self) -> str:
        return f"{self.owner_id} on {self.article_id}"


class Note(models.Model):
    """An analyst's note on an article: private to its owner."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    article = models.ForeignKey("archive.Article", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["owner", "article"], name="note_owner_article")]

    def __str__(self) -> str:
        return self.text[:60]


class Counter(models.Model):
    """One fixed window of a rate counter (limits.py): shared by every server process through the database."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField(help_text="Window start, in whole seconds since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="counter_unique_window")]
        indexes = [models.Index(fields=["window"], name="counter_window")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window}={self.count}"
