"""MinHash signatures of articles and their LSH band keys, kept in the database.

Why a table of band keys rather than datasketch's in-memory ``MinHashLSH``: the watcher and every web worker are
separate processes, and an index in one process's memory would be stale in the others and lost on restart
(rebuilding it at start-up costs time proportional to the archive). A band key is one indexed integer column,
looked up with one query per new version, shared by every process, and it survives restarts. The banding itself
(how many bands, rows per band for our threshold) is the one datasketch's ``MinHashLSH`` picks (minhash.py).
"""

from django.db import models


class Signature(models.Model):
    article = models.OneToOneField("archive.Article", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey("archive.Version", on_delete=models.CASCADE, related_name="+")
    hashvalues = models.BinaryField(help_text="The MinHash values, uint64 little-endian.")
    # The near-duplicate group: the id of the article that started it (the article's own id when alone).
    group = models.BigIntegerField(db_index=True)
    # The earliest published member of its group: the one the collapsed stream shows.
    is_first = models.BooleanField(default=True)
    similarity = models.FloatField(default=1.0, help_text="Estimated Jaccard similarity to its best match.")

    class Meta:
        indexes = [models.Index(fields=["is_first"], name="signature_is_first")]

    def __str__(self) -> str:
        return f"signature of article {self.article_id} (group {self.group})"


class Band(models.Model):
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key"], name="band_key")]

    def __str__(self) -> str:
        return f"band {self.band} of signature {self.signature_id}"
