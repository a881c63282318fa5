"""A source is one edition of one outlet ("Naenara (En)"): where to find its articles and how to read them."""

from django.db import models
from django.utils.timezone import now

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "ps", "yi", "dv"}


class Source(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "not polled yet"
        OK = "ok", "ok"
        ERROR = "error", "error"
        RULES_BROKEN = "rules-broken", "rules stopped matching"
        THROTTLED = "throttled", "throttled by the source"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200, help_text="The outlet, e.g. Naenara.")
    edition = models.CharField(
        max_length=20, help_text="The edition code the source itself uses: En, Ko, Zh..."
    )
    language = models.CharField(max_length=20, help_text="BCP 47 language code of the edition, e.g. en, ko.")
    timezone = models.CharField(max_length=64, default="UTC")
    home = models.URLField(max_length=2000, blank=True)
    feeds = models.JSONField(default=list, blank=True)
    listings = models.JSONField(default=list, blank=True)
    sitemaps = models.JSONField(default=list, blank=True)
    # Declarative rules, see docs/sources.md: {"listing": {...selectors}, "article": {...selectors}}.
    rules = models.JSONField(default=dict, blank=True)
    pack = models.CharField(max_length=50, blank=True, help_text="The pack that registered this source.")
    delay = models.FloatField(default=2.0, help_text="Least gap in seconds between two requests to its host.")
    poll_interval = models.PositiveIntegerField(default=900, help_text="Seconds between two polls.")
    enabled = models.BooleanField(default=True)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_message = models.TextField(blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=now)
    consecutive_errors = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["name", "edition"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.edition})"

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


class DiscoveryState(models.Model):
    """What we last saw at one feed, sitemap or listing URL: validators for conditional GET, and health."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="discovery_states")
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=10)  # feed | sitemap | listing
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_item_count = models.IntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "url"], name="discovery_state_unique_url")]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}"
