"""Per-user reading state: read/unread, stars, notes. What the stream and article pages ask for.

Unread means: not opened, and newer than the user's "mark all read" (an article id watermark). Lists ask for
the state of one page of items at once: one query, whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max
from django.utils import timezone

from wirewatch.accounts.models import Note, Profile, ReadMark, Role
from wirewatch.accounts.roles import has_role, profile_of
from wirewatch.archive.models import Article


def decorate(items: Sequence[Article], user: AbstractBaseUser | AnonymousUser) -> None:
    """Set ``is_unread`` and ``is_starred`` on each item for ``user`` (anonymous: neither)."""
    if not user.is_authenticated:
        for item in items:
            item.is_unread = item.is_starred = False
        return
    watermark = profile_of(user).read_through_id
    marks = {
        article_id: (read_at, starred_at)
        for article_id, read_at, starred_at in ReadMark.objects.filter(
            owner=user, article__in=[item.pk for item in items]
        ).values_list("article_id", "read_at", "starred_at")
    }
    for item in items:
        read_at, starred_at = marks.get(item.pk, (None, None))
        item.is_unread = item.pk > watermark and read_at is None
        item.is_starred = starred_at is not None


def mark_read(user: AbstractBaseUser | AnonymousUser, article: Article) -> None:
    if user.is_authenticated:
        ReadMark.objects.update_or_create(owner=user, article=article, defaults={"read_at": timezone.now()})


def mark_all_read(user: AbstractBaseUser) -> None:
    """Everything published so far becomes read; stars are kept."""
    newest = Article.objects.aggregate(newest=Max("id"))["newest"] or 0
    profile_of(user)
    Profile.objects.filter(user=user).update(read_through_id=newest)
    ReadMark.objects.filter(owner=user, starred_at=None).delete()


def toggle_star(user: AbstractBaseUser, article: Article) -> bool:
    """Star or unstar; returns whether the article is now starred."""
    mark, _ = ReadMark.objects.get_or_create(owner=user, article=article)
    mark.starred_at = None if mark.starred_at else timezone.now()
    mark.save(update_fields=["starred_at"])
    return mark.starred_at is not None


def is_starred(user: AbstractBaseUser | AnonymousUser, article: Article) -> bool:
    if not user.is_authenticated:
        return False
    return ReadMark.objects.filter(owner=user, article=article, starred_at__isnull=False).exists()


def notes_of(user: AbstractBaseUser | AnonymousUser, article: Article) -> list[Note]:
    if not user.is_authenticated:
        return []
    return list(Note.objects.filter(owner=user, article=article))


def article_context(request, article: Article) -> dict:
    """What the article page shows of the reader's own state; opening the page marks it read."""
    mark_read(request.user, article)
    return {
        "starred": is_starred(request.user, article),
        "notes": notes_of(request.user, article),
        "can_annotate": has_role(request.user, Role.ANALYST),
    }
