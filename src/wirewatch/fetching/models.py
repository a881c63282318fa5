"""Every request we make, kept as proof and for politeness and health."""

from django.db import models
from django.utils import timezone


class Fetch(models.Model):
    """One HTTP attempt. Its raw request and response live in a WARC file at (warc_file, warc_offset)."""

    url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, blank=True)
    purpose = models.CharField(max_length=20)  # feed | sitemap | listing | article | robots | recheck
    source = models.ForeignKey("sources.Source", null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status_code = models.IntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    elapsed_ms = models.IntegerField(default=0)
    body_bytes = models.IntegerField(default=0)
    warc_file = models.CharField(max_length=300, blank=True)
    warc_offset = models.BigIntegerField(null=True, blank=True)
    warc_record_id = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["source", "at"])]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} {self.url}"
