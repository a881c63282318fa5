"""Saved searches and follows (one table: Subscription), the work queue behind them, and the outbox.

Delivered once: an alert is a row of ``Delivery`` with a unique (subscription, key) — written in the same
transaction as the match that made it, so a crash loses neither; the delivery loop claims rows with a lease
(``locked_until``), sends, then marks them sent. The key travels with the alert (webhook header, e-mail
Message-ID) so that the one resend a crash between send and mark can cause is recognisable by the receiver.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Subscription(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", "saved search"
        ARTICLE = "article", "followed article"
        SOURCE = "source", "followed source"
        HEALTH = "health", "source health (admins)"

    class Channel(models.TextChoices):
        EMAIL = "email", "e-mail"
        WEBHOOK = "webhook", "webhook"
        FEED = "feed", "feed only"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "immediately"
        DIGEST = "digest", "daily digest"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    query = models.CharField(max_length=1000, blank=True)
    dueum = models.BooleanField(default=True)
    article = models.ForeignKey(
        "archive.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    shared = models.BooleanField(default=False, help_text="Other users may see it and read its feed.")
    notify_changes = models.BooleanField(default=True, help_text="Also alert on edits/removals of matches.")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(max_length=2000, blank=True)
    webhook_secret = models.CharField(max_length=100, default=new_secret)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "active"], name="subscription_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind}, {self.owner})"


class QueueItem(models.Model):
    """Work the matcher has not done yet: written inside the storing transaction, consumed in batches."""

    article_id = models.BigIntegerField()
    change_id = models.BigIntegerField(
        null=True, blank=True, help_text="A ChangeEvent id, for edits/removals."
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"article {self.article_id} change {self.change_id}"


class Delivery(models.Model):
    """The outbox: one alert for one subscription, sent at most once per key (the receiver's dedupe key)."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    key = models.CharField(max_length=200)
    event = models.CharField(max_length=20, help_text="match | edited | removed | restored | silent | layout")
    article = models.ForeignKey(
        "archive.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "key"], name="delivery_once")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["key"], name="delivery_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.subscription_id} ({self.status})"

    @property
    def idempotency_key(self) -> str:
        # Dots, not colons: it is also the left part of an e-mail Message-ID (RFC 5322 dot-atom).
        return f"wirewatch-{self.subscription_id}-{self.key.replace(':', '.')}"
