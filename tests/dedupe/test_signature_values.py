"""Signatures are stored and compared across releases: computing them faster must give the same bits."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from tests.entities.helpers import kcna_rows, published_at, store
from tests.factories import make_source
from wirewatch.dedupe import minhash
from wirewatch.dedupe.models import Band, Signature

pytestmark = pytest.mark.shared


def reference_signature(text: str) -> np.ndarray | None:
    """The signature as first written: a new datasketch MinHash per text, with its own permutations (seed 1) of the
    affine32 scheme, spelled out here: a change of scheme or of shingles fails this comparison."""
    items = reference_shingles(text)
    if len(items) < minhash.MIN_SHINGLES:
        return None
    reference = MinHash(num_perm=128, scheme="affine32")
    reference.update_batch(list(items))
    return reference.hashvalues.astype("<u8")


def reference_shingles(text: str) -> set[bytes]:
    """Word 3-grams (character 4-grams for Chinese and Japanese) by slicing at each position."""
    body = minhash.body_for_signature(text)
    words = re.findall(r"\w+", body)
    if len(re.findall("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]", body)) > len(body) / 3:
        chars = "".join(words)
        return {chars[i : i + 4].encode() for i in range(max(0, len(chars) - 3))}
    return {" ".join(words[i : i + 3]).encode() for i in range(max(0, len(words) - 2))}


def korean_texts(shared_dir) -> list[str]:
    paths = sorted((shared_dir / "data" / "korean").glob("*.txt"))[:3]
    return [part for path in paths for part in path.read_text(encoding="utf-8").split("\n\n")[:40]]


def test_signatures_and_bands_equal_a_fresh_datasketch_minhash_on_real_texts(shared_dir):
    texts = [row["story_text"] for row in kcna_rows(shared_dir)[:300]] + korean_texts(shared_dir)
    texts.append("中华人民共和国国务院总理" * 20)  # the character-shingle path
    signed = 0
    for text in texts:
        expected, actual = reference_signature(text), minhash.signature(text)
        if expected is None:
            assert actual is None
            continue
        assert minhash.to_bytes(actual) == minhash.to_bytes(expected)
        assert minhash.band_keys(actual) == minhash.band_keys(expected)
        signed += 1
    assert signed >= 250  # the comparison ran on real texts, not on a handful of short ones


def test_the_banding_is_what_datasketchs_lsh_picks_for_our_threshold():
    lsh = MinHashLSH(threshold=minhash.LSH_THRESHOLD, num_perm=minhash.NUM_PERM)
    assert (lsh.b, lsh.r) == (minhash.BANDS, minhash.ROWS)


def test_a_process_with_every_app_loaded_signs_without_importing_datasketch_or_scipy(tmp_path):
    """The reason signatures are computed by hand (minhash.py): datasketch's import brings scipy's ~50 MB into
    every process."""
    code = (
        "import sys, django; django.setup(); from wirewatch.dedupe import minhash; "
        "assert minhash.signature(' '.join(f'word{n}' for n in range(99))) is not None; "
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'datasketch', 'scipy'}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wirewatch.settings", "WIREWATCH_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def stored_bands(article) -> list[tuple[int, int]]:
    signature = Signature.objects.get(article=article)
    return sorted(Band.objects.filter(signature=signature).values_list("band", "key"))


@pytest.mark.django_db
def test_stored_bands_are_the_band_keys_of_the_stored_signature(shared_dir):
    source = make_source("kcna-en", "KCNA")
    for row in kcna_rows(shared_dir)[:5]:
        article = store(source, row["headline"], row["story_text"])
        values = minhash.from_bytes(Signature.objects.get(article=article).hashvalues)
        assert stored_bands(article) == minhash.band_keys(values)
        assert minhash.to_bytes(values) == minhash.to_bytes(minhash.signature(row["story_text"]))


@pytest.mark.django_db
def test_a_new_version_replaces_its_signature_and_can_join_another_sources_group(shared_dir):
    kcna, rodong = make_source("kcna-en", "KCNA"), make_source("rodong-en", "Rodong Sinmun")
    first, second = [r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600][:2]
    original = store(kcna, first["headline"], first["story_text"], published_at(first))
    url = "http://127.0.0.1:9/rodong-en/changing"
    article = store(rodong, second["headline"], second["story_text"], published_at(second), url=url)
    assert Signature.objects.get(article=article).group == article.pk
    # Its next version is a copy of the KCNA article: still one signature, the new bands, KCNA's group.
    store(rodong, first["headline"], first["story_text"], published_at(first) + timedelta(hours=5), url=url)
    assert Signature.objects.filter(article=article).count() == 1
    assert Signature.objects.get(article=article).group == original.pk
    assert stored_bands(article) == minhash.band_keys(minhash.signature(first["story_text"]))
    assert Band.objects.count() == 2 * len(minhash.band_keys(minhash.signature(first["story_text"])))
