"""Source health alerts for admins: gone silent (N × its usual gap) or rules broken; once per episode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.helpers import make_user
from tests.factories import make_article, make_source
from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import set_role
from wirewatch.alerts.health import check_sources
from wirewatch.alerts.models import Subscription
from wirewatch.sources.models import Source

pytestmark = pytest.mark.django_db


def hourly_source(slug: str, last_seen_hours_ago: float) -> Source:
    source = make_source(slug, poll_interval=600)
    newest = timezone.now() - timedelta(hours=last_seen_hours_ago)
    for i in range(8):
        make_article(source, f"{slug} {i}", first_seen=newest - timedelta(hours=i))
    return source


def test_a_silent_source_and_a_broken_layout_alert_admins_once_per_episode():
    admin = make_user("root", "admin")
    watch = Subscription.objects.create(owner=admin, kind="health", name="health", channel="feed")
    hourly_source("quiet-en", last_seen_hours_ago=5)  # usually hourly: 5 h > 3 × 1 h
    hourly_source("busy-en", last_seen_hours_ago=0.5)
    broken = hourly_source("broken-en", last_seen_hours_ago=0.2)
    Source.objects.filter(pk=broken.pk).update(status=Source.Status.RULES_BROKEN, status_message="no body")
    assert check_sources() == 2
    assert check_sources() == 0  # same episode: no second alert
    assert sorted(watch.deliveries.values_list("event", "payload__title")) == [
        ("layout", "Naenara (En): Extraction rules stopped matching: no body"),
        ("silent", "Naenara (En): No new article for 5.0 h (usually one every 1.0 h)."),
    ]
    set_role(admin, Role.ANALYST)  # demoted: no more health alerts
    make_article(Source.objects.get(slug="quiet-en"), "new", first_seen=timezone.now() - timedelta(hours=4))
    assert check_sources() == 0
