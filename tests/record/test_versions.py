"""Edits at the same URL: every real KCNA rewrite becomes one new version with a diff of exactly the changed
words; the scraping-noise variants (date labels, whitespace) add none."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.sites.news import Story
from wirewatch.archive.diffs import DELETE, EQUAL, INSERT, changed_words, diff_body, diff_line, paragraphs
from wirewatch.archive.models import Article, Blob, ChangeEvent, Version
from wirewatch.watch.pipeline import poll_source
from wirewatch.watch.recheck import recheck_source

pytestmark = pytest.mark.django_db


def _variants(shared_dir) -> list[dict]:
    data = json.loads((shared_dir / "data" / "kcna-en" / "same-url-variants.json").read_text())
    return data["links"]


def _story(path: str, row: dict, fallback_text: str) -> Story:
    # Rows with an empty story_text are days the scraper got no body, not pages without one: serve the text
    # the other row of the same link has, so that only what the source changed differs.
    text = row["story_text"] or fallback_text
    return Story(path, row["headline"], [line for line in text.split("\n") if line.strip()], row["date_str"])


def _stories(links: list[dict], which: int) -> list[Story]:
    stories = []
    for link in links:
        path = "/en/article/q/" + hashlib.sha1(link["link"].encode()).hexdigest()[:16] + ".kcmsf"
        fallback = next((r["story_text"] for r in link["rows"] if r["story_text"]), "")
        fallback = fallback or f"Pyongyang (KCNA) -- Body of {path}. -0-"
        stories.append(_story(path, link["rows"][which], fallback))
    return stories


@pytest.fixture
def replayed(shared_dir, news, polite):
    """Every link served as its first row, polled; then as its second row, re-checked."""
    links = _variants(shared_dir)
    news.publish(*_stories(links, 0))
    report = poll_source(polite, news.source)
    assert report.new_articles == len(links), report
    news.publish(*_stories(links, 1))
    recheck = recheck_source(polite, news.source, everything=True)
    by_url = {a.url.removeprefix(news.site.base): a for a in Article.objects.all()}
    return [
        (link, by_url[story.path]) for link, story in zip(links, _stories(links, 1), strict=True)
    ], recheck


def test_all_20_real_rewrites_add_one_version_each_stored_compressed_and_the_13_noise_variants_none(replayed):
    pairs, report = replayed
    rewrites = [article for link, article in pairs if "story_text differs" in link["kind"]]
    noise = [article for link, article in pairs if "story_text differs" not in link["kind"]]
    assert (len(rewrites), len(noise)) == (20, 13)
    assert [a.version_count for a in rewrites] == [2] * 20
    assert [a.version_count for a in noise] == [1] * 13
    assert (report.edited, report.unchanged, report.removed) == (20, 13, 0)
    assert ChangeEvent.objects.filter(kind="edited").count() == 20
    raw = sum(len(v.text.encode()) + len(v.html.encode()) for v in Version.objects.all())
    stored = sum(len(bytes(b.data)) for b in Blob.objects.all())
    assert stored < raw / 2


def test_each_rewrite_diff_rebuilds_both_versions_and_shows_exactly_the_changed_words(replayed):
    pairs, _ = replayed
    for link, article in pairs:
        if "story_text differs" not in link["kind"]:
            continue
        old, new = Version.objects.filter(article=article).order_by("number")
        for before, after in [
            (old.title, new.title),
            *zip(paragraphs(old.text), paragraphs(new.text), strict=False),
        ]:
            ops = diff_line(before, after)
            assert "".join(op.text for op in ops if op.kind != INSERT) == " ".join(before.split())
            assert "".join(op.text for op in ops if op.kind != DELETE) == " ".join(after.split())
            # A word both deleted and inserted at the same place would be no change: the diff never does that.
            for first, second in zip(ops, ops[1:], strict=False):
                assert not (first.kind == DELETE and second.kind == INSERT and first.text == second.text)
        assert any(op.kind != EQUAL for row in diff_body(old.text, new.text) for op in row)
    g7 = next(a for link, a in pairs if "G7 Is Developing" in link["rows"][0]["headline"])
    old, new = Version.objects.filter(article=g7).order_by("number")
    ops = diff_line(old.title, new.title)
    assert (changed_words(ops, DELETE), changed_words(ops, INSERT)) == (["World-Wide"], ["Global"])
