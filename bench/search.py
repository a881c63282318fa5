"""Search benchmark: index build rate and query latency (p50/p95) on generated corpora, SQLite FTS5.

    .venv/bin/python bench/search.py                 # 10k and 100k articles
    .venv/bin/python bench/search.py --sizes 10000 100000 1000000

Articles are made from the KCNA English texts (sentences rotated, a serial number in the headline) and, one in
ten, from paragraphs of the Korean New Year speeches (a random 2-4 consecutive paragraphs), over 4 sources and
3 years. Each query runs through wirewatch.search.service.search (parse, index, articles, snippets) with
limit=20. The baseline, in the same run at the smallest size, is what search would be without an index: a
LIKE '%word%' scan over the current versions' text, newest first.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SHARED, fresh_data_dir, kcna_articles, setup_django  # noqa: E402

QUERIES = [
    ("english word", "missile"),
    ("english stem", "strengthening"),
    ("english rare word", "typhoon"),
    ("english phrase", '"workers party of korea"'),
    ("english prefix", "agricult*"),
    ("boolean", "(missile OR rocket) NOT test"),
    ("korean noun", "로동당"),
    ("korean verb", "강화하다"),
    ("southern spelling", "역사"),
    ("filtered", "delegation source:kcna-en from:2024-03-01 to:2024-06-30"),
    ("relevance", "economy sort=relevance"),
]
BASELINE = {
    "missile": "%missile%",
    "typhoon": "%typhoon%",
    "로동당": "%로동당%",
    "delegation": "%delegation%",
}
RUNS = 15


def korean_paragraphs() -> list[list[str]]:
    speeches = sorted((SHARED / "data" / "korean").glob("*.txt"))
    return [[p for p in s.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 40] for s in speeches]


def make_texts(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(title, text, language) for ``count`` articles."""
    english, korean, made = kcna_articles(10_000), korean_paragraphs(), []
    for number in range(count):
        if number % 10 == 9:
            paragraphs = rng.choice(korean)
            start = rng.randrange(max(1, len(paragraphs) - 4))
            body = "\n".join(paragraphs[start : start + rng.randint(2, 4)])
            made.append((body[:40] + f" {number}", body, "ko"))
            continue
        row = english[number % len(english)]
        sentences = row["story_text"].split(". ")
        turn = rng.randrange(len(sentences))
        made.append((f"{row['headline']} {number}", ". ".join(sentences[turn:] + sentences[:turn]), "en"))
    return made


def populate(count: int) -> None:
    from django.db import transaction

    from wirewatch.archive.models import Article, Blob, Version
    from wirewatch.sources.models import Source

    sources = {
        lang: [
            Source.objects.create(slug=f"kcna-{lang}", name="KCNA", edition=lang.title(), language=lang),
            Source.objects.create(slug=f"rodong-{lang}", name="Rodong", edition=lang.title(), language=lang),
        ]
        for lang in ("en", "ko")
    }
    rng, start = random.Random(4), datetime(2023, 12, 1, tzinfo=UTC)
    texts = make_texts(count, rng)
    for offset in range(0, count, 5000):
        with transaction.atomic():
            chunk = texts[offset : offset + 5000]
            articles = Article.objects.bulk_create(
                Article(
                    source=sources[lang][i % 2],
                    url=f"http://example.invalid/{offset + i}",
                    title=title,
                    language=lang,
                    published=start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                    published_from="meta",
                    version_count=1,
                )
                for i, (title, _, lang) in enumerate(chunk)
            )
            empty = Blob.intern("")
            versions = Version.objects.bulk_create(
                Version(
                    article=a,
                    number=1,
                    title=t,
                    text_blob=Blob.intern(x),
                    html_blob=empty,
                    language=g,
                    extracted_by="rules",
                    content_hash="",
                )
                for a, (t, x, g) in zip(articles, chunk, strict=True)
            )
            for article, version in zip(articles, versions, strict=True):
                article.current_version = version
            Article.objects.bulk_update(articles, ["current_version"])


def build_index() -> float:
    from wirewatch.search.backend import get_backend, rebuild

    started = time.perf_counter()
    count = rebuild(get_backend(), batch=500)
    return count / (time.perf_counter() - started)


def percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def time_queries() -> dict[str, tuple[float, float, float, int]]:
    """Per query: p50 and p95 of the whole search (parse, index, articles, snippets), p50 of the index part."""
    from wirewatch.search.backend import get_backend
    from wirewatch.search.query import parse
    from wirewatch.search.service import search

    results = {}
    for name, text in QUERIES:
        q, _, sort = text.partition(" sort=")
        params = {"q": q, "limit": "20", "sort": sort or "date"}
        found = len(search(params).items)  # warm the page cache and kiwi
        samples, index_only = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            search(params)
            samples.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            get_backend().search(parse(q), dueum=True, sort=params["sort"], cursor=None, limit=20)
            index_only.append((time.perf_counter() - started) * 1000)
        results[name] = (*percentiles(samples), statistics.median(index_only), found)
    return results


def make_plain_copy() -> None:
    """The baseline's table: each article's current title and text as plain columns (versions keep text
    compressed, which no LIKE can scan), with the newest-first index the stream has."""
    from django.db import connection, transaction

    from wirewatch.archive.models import Article

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, published TEXT, title TEXT, text TEXT)"
        )
        cursor.execute("CREATE INDEX bench_plain_stream ON bench_plain (published DESC, id DESC)")
    articles = Article.objects.select_related("current_version__text_blob").order_by("id")
    with transaction.atomic(), connection.cursor() as cursor:
        for article in articles.iterator(chunk_size=2000):
            cursor.execute(
                "INSERT INTO bench_plain VALUES (%s, %s, %s, %s)",
                [article.pk, article.published.isoformat(), article.title, article.current_version.text],
            )


def time_baseline() -> dict[str, tuple[float, float]]:
    from django.db import connection

    make_plain_copy()
    sql = "SELECT id FROM bench_plain WHERE title LIKE %s OR text LIKE %s ORDER BY published DESC, id DESC LIMIT 20"
    results = {}
    for word, pattern in BASELINE.items():
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, [pattern, pattern])
                cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        results[word] = percentiles(samples)
    return results


def run(count: int, with_baseline: bool) -> None:
    data_dir = fresh_data_dir(f"search-{count}")
    setup_django()
    started = time.perf_counter()
    populate(count)
    print(f"\n== {count:,} articles (generated in {time.perf_counter() - started:.0f} s, data in {data_dir})")
    print(f"index build: {build_index():,.0f} articles/s")
    queries = time_queries()
    print("  query               whole search p50 / p95     index + articles p50")
    for name, (p50, p95, index_p50, found) in queries.items():
        print(f"  {name:18} {p50:7.1f} / {p95:7.1f} ms   {index_p50:7.1f} ms   ({found} on page 1)")
    if with_baseline:
        print("  baseline: LIKE scan (no index), newest 20 ids, vs our index + articles p50:")
        for word, (p50, p95) in time_baseline().items():
            ours = next(v for (n, q), v in zip(QUERIES, queries.values(), strict=True) if q.startswith(word))
            print(f"  LIKE {word:13} {p50:7.1f} / {p95:7.1f} ms   (ratio LIKE/ours {p50 / ours[2]:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--baseline", action="store_true", help="also time the LIKE scan (default: smallest size)"
    )
    args = parser.parse_args()
    if len(args.sizes) == 1:
        run(args.sizes[0], with_baseline=args.baseline)
        return
    # One process per size: Django reads its database path once, and each size gets a fresh data directory.
    for number, size in enumerate(sorted(args.sizes)):
        extra = ["--baseline"] if number == 0 or args.baseline else []
        subprocess.run([sys.executable, __file__, "--sizes", str(size), *extra], check=True)


if __name__ == "__main__":
    main()
