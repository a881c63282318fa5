"""Values derived ahead in the WARC importer's workers (archive/derived.py): each is what the receiver would have
computed from the same version, and the receivers use it instead of computing it again."""

from __future__ import annotations

import numpy as np
import pytest

from tests.archive.test_import_batches import sources, write_warc
from tests.entities.helpers import kcna_rows
from tests.factories import make_source
from wirewatch.archive import derived
from wirewatch.archive.extractpool import extract_jobs
from wirewatch.archive.signals import StoredVersion
from wirewatch.archive.store import store_extracted
from wirewatch.archive.warcimport import Importer, import_warcs
from wirewatch.dedupe import minhash
from wirewatch.dedupe.models import Signature
from wirewatch.dedupe.receivers import SIGNED, sign_versions
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.entities.reading import TEXT_DATES
from wirewatch.entities.receivers import record_versions
from wirewatch.extraction.article import Extracted
from wirewatch.extraction.textdates import find_text_dates
from wirewatch.search.analysis import index_documents
from wirewatch.search.receivers import DOCUMENT, index_versions
from wirewatch.search.service import search

pytestmark = pytest.mark.django_db


def texts(shared_dir) -> list[tuple[str, str]]:
    """(title, text): 300 KCNA stories, the Korean texts, a short notice, an empty body and hostile strings."""
    kcna = [(row["headline"], row["story_text"]) for row in kcna_rows(shared_dir)[:300]]
    korean = [
        (path.read_text(encoding="utf-8")[:60], path.read_text(encoding="utf-8"))
        for path in sorted((shared_dir / "data" / "korean").glob("*.txt"))
    ]
    odd = [
        ("Notice", "The meeting is put off."),
        ("", ""),
        ("\x00\ud800", "김정은\u200b동지 金正恩 'quote' \\ %s"),
    ]
    return kcna + korean + odd


@pytest.mark.shared
@pytest.mark.parametrize("title_is_lead", [False, True])
def test_the_workers_derive_exactly_what_the_receivers_compute(shared_dir, title_is_lead):
    pairs = texts(shared_dir)
    assert dict(derived.registered()) == {
        SIGNED: "wirewatch.dedupe.minhash:signed",
        DOCUMENT: "wirewatch.search.analysis:version_document",
        TEXT_DATES: "wirewatch.entities.reading:text_dates",
    }
    ahead = [
        derived.derive(derived.registered(), extracted(text, title, title_is_lead)) for title, text in pairs
    ]
    assert [found[DOCUMENT] for found in ahead] == index_documents(pairs)  # kiwi's batch for the Korean ones
    # The entities read the headline too, unless it is only the body's lead
    read = [text if title_is_lead else f"{title}\n{text}" for title, text in pairs]
    assert [found[TEXT_DATES] for found in ahead] == [find_text_dates(text) for text in read]
    assert sum(bool(found[TEXT_DATES]) for found in ahead) > 100
    for (_, text), found in zip(pairs, ahead, strict=True):
        values, keys = found[SIGNED]
        expected = minhash.signature(text)
        assert (values is None) == (expected is None)
        if expected is not None:
            assert np.array_equal(values, expected) and keys == minhash.band_keys(expected)
    assert sum(found[SIGNED][0] is not None for found in ahead) > 300


def test_the_receivers_use_what_was_derived_ahead():
    """A derived document and signature that differ from the text's own are what the index and dedupe keep:
    proof that the receivers read them rather than compute again."""
    text = "Pyongyang, May 9 (KCNA) -- " + " ".join(f"word{n}" for n in range(60))
    stored = store_extracted(make_source(), "http://127.0.0.1:9/a/1", extracted(text))
    elsewhere = "zanzibar, 12 March 1999: " + " ".join(f"isle{n}" for n in range(60))
    other = derived.derive(derived.registered(), extracted(elsewhere, "Elsewhere"))
    item = StoredVersion(stored.article, stored.version, False, other)
    index_versions([item])  # the version's second telling: the index row, signature and dates are replaced
    sign_versions([item])
    for model in (Mention, Appearance, TextDate):  # one row per entity and version: clear the first telling's
        model.objects.filter(version=stored.version).delete()
    record_versions([item])
    assert [a.pk for a in search({"q": "zanzibar"}).items] == [stored.article.pk]
    assert not search({"q": "word7"}).items
    row = Signature.objects.get(article=stored.article)
    assert bytes(row.hashvalues) == minhash.to_bytes(other[SIGNED][0])
    current = TextDate.objects.filter(article=stored.article, is_current=True)
    assert list(current.values_list("text", flat=True)) == ["12 March 1999"]


def extracted(text: str, title: str = "A title", title_is_lead: bool = False) -> Extracted:
    return Extracted(title, title_is_lead, text, f"<p>{text}</p>", "", None, "", "en", "rules", True)


def test_a_page_the_archive_holds_gets_nothing_derived_and_a_new_one_does(tmp_path):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    before = [
        prepared for pages in Importer(None, None, 0, 50)._batches([path]) for prepared in extract(pages)
    ]
    import_warcs([path], workers=0, batch=50)
    again = [
        prepared for pages in Importer(None, None, 0, 50)._batches([path]) for prepared in extract(pages)
    ]
    articles = [n for n, prepared in enumerate(before) if prepared.extracted.text.strip()]
    assert len(articles) == 15 and all(
        set(before[n].derived) == {SIGNED, DOCUMENT, TEXT_DATES} for n in articles
    )
    assert [prepared.derived for prepared in again] == [{}] * len(again)
    assert [p.digest for p in again] == [p.digest for p in before]


def extract(pages: list) -> list:
    return extract_jobs([page.job() for page in pages])
