"""Article-page, stream and search latency as the archive grows: 10k, 100k, 1M articles, with the 10k figures
as the baseline of the ratios (goal: flat within 20% from 10k to 1M), and this process's memory.

    .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--requests 300] [--search-max 100000]
        [--database sqlite|postgres] [--database-url postgres://...] [--redis-url redis://...]

The first 200 KCNA articles go through the real store path (versions, blobs, search index), five minutes
apart; the rest are SQL bulk copies of them (new ids, URLs and dates, same text blobs), doubling until each
size is reached — the pipeline would take hours for a million. Each copy is dated just before everything
already there, so the archive is one timeline (five minutes per article, a million reach back ten years)
whose ids follow the dates in runs of 200, runs in reverse order, as in an archive filled backwards by imports.
Search index rows are copied up to --search-max articles (at 1M the database is about 11 GB): searches
beyond it run over that many indexed articles.
Requests go through the real WSGI entry point in process (wirewatch.wsgi.application, fast path included),
with the half-second micro-cache off (WIREWATCH_MICROCACHE_SECONDS=0): repeated requests for one URL would
otherwise measure that cache, not the queries and rendering whose cost is in question here.

--database postgres measures the scale-out mode: a fresh PostgreSQL database (--database-url, dropped and
created again at the start, kept afterwards for EXPLAIN; DATABASE_URL and REDIS_URL of the environment are
ignored, so that no one's database is dropped by mistake), the page cache in Redis (--redis-url, '' for none;
this run's keys only, removed at the end), the same seed and the same copies in PostgreSQL's SQL (its search
table is search_pgindex, search/postgres.py). After each growth the grown tables are vacuumed and analysed, as
autovacuum would soon do by itself on a live server: measured then, not while autovacuum runs.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import fresh_data_dir, kcna_articles, setup_django  # noqa: E402

SEED = 200
PG_URL = "postgres://postgres@127.0.0.1:5432/wirewatch_bench_scale"
GROWN_TABLES = ("archive_article", "archive_version")
_ARTICLE_COLUMNS = (
    "url, first_seen, last_seen, title, title_is_lead, language, published, published_is_estimate, "
    "published_from, version_count, removed_at, source_id, superseded_at"
)
_VERSION_COLUMNS = (
    "number, fetched_at, title, title_is_lead, byline, language, published, published_from, extracted_by, "
    "content_hash, fetch_id, html_blob_id, text_blob_id"
)


def seed() -> None:
    from django.db import connection
    from pages import extracted_row  # the pages benchmark's page builder

    from wirewatch.archive.store import store_extracted
    from wirewatch.sources.services import add_source

    sources = [
        add_source(f"KCNA {n}", "En", "en", listings=[f"http://127.0.0.1:9/{n}/"], timezone="Asia/Pyongyang")
        for n in range(4)
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n, row in enumerate(kcna_articles(SEED)):
        store_extracted(sources[n % 4], row["link"], extracted_row(row, start + timedelta(minutes=5 * n)))
    # A few texts carry their own date (months after the listing dates above): one timeline needs all of
    # them on it, else every copy of those few would crowd the top of the stream at every size.
    with connection.cursor() as cursor:
        for table, key in (("archive_article", "id"), ("archive_version", "article_id")):
            cursor.execute(f"UPDATE {table} SET published = {_timeline(key)}, published_from = 'listing'")


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _timeline(key: str) -> str:
    """SQL for 2024-01-01 plus five minutes per ``key`` step (the seed's dates)."""
    if _postgres():
        return f"timestamptz '2024-01-01 00:00:00+00' + 5 * ({key} - 1) * interval '1 minute'"
    return f"datetime('2024-01-01', '+' || (5 * ({key} - 1)) || ' minutes')"


def _earlier(minutes: int) -> str:
    """SQL for ``published`` moved ``minutes`` back."""
    if _postgres():
        return f"published - interval '{minutes} minutes'"
    return f"datetime(published, '-{minutes} minutes')"


def grow(target: int, search_max: int) -> None:
    """Double the articles (with their versions and index rows) by SQL copies until there are ``target``."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        while (count := _count(cursor)) < target:
            copy = min(count, target - count)
            with transaction.atomic():
                _copy(cursor, count, copy, index=count + copy <= search_max)
        if _postgres():
            _settle(cursor)


def _settle(cursor) -> None:
    """After bulk copies with explicit ids on PostgreSQL: the id sequences past them (the next stored article
    must not collide), and the planner's statistics and visibility map up to date (autovacuum's job, done now so
    that it neither runs during the measurements nor leaves them planned on the previous size's statistics)."""
    from wirewatch.search.postgres import TABLE

    for table in GROWN_TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
    for table in (*GROWN_TABLES, TABLE):
        cursor.execute(f"VACUUM (ANALYZE) {table}")


def _count(cursor) -> int:
    cursor.execute("SELECT MAX(id) FROM archive_article")
    return cursor.fetchone()[0]


def _copy(cursor, offset: int, copy: int, index: bool) -> None:
    # Ids stay dense (1..N articles, one version each), so id + offset names the copy of each row.
    cursor.execute(
        f"INSERT INTO archive_article (id, {_ARTICLE_COLUMNS}, current_version_id) "
        f"SELECT id + {offset}, url || '#' || (id + {offset}), first_seen, last_seen, title, title_is_lead, "
        f"language, {_earlier(5 * offset)}, published_is_estimate, published_from, "
        f"version_count, removed_at, source_id, superseded_at, current_version_id + {offset} "
        f"FROM archive_article WHERE id <= {copy}"
    )
    cursor.execute(
        f"INSERT INTO archive_version (id, article_id, {_VERSION_COLUMNS}) "
        f"SELECT id + {offset}, article_id + {offset}, {_VERSION_COLUMNS} FROM archive_version WHERE id <= {copy}"
    )
    if index and _postgres():
        from wirewatch.search.postgres import TABLE

        cursor.execute(
            f"INSERT INTO {TABLE} (article_id, exact, folded, uni) "
            f"SELECT article_id + {offset}, exact, folded, uni FROM {TABLE} WHERE article_id <= {copy}"
        )
    elif index:
        cursor.execute(
            "INSERT INTO search_index (rowid, title, body, title_f, body_f, uni) "
            f"SELECT rowid + {offset}, title, body, title_f, body_f, uni FROM search_index WHERE rowid <= {copy}"
        )


def timings(client, paths: list[str]) -> dict:
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p99": times[int(len(times) * 0.99) - 1]}


def measure(client, size: int, requests: int) -> dict:
    ids = random.Random(size).sample(range(1, size + 1), requests)
    article_paths = [f"/articles/{pk}/" for pk in ids]
    return {
        "article page, first view": timings(client, article_paths),
        "article page, cached": timings(client, article_paths),
        "stream, first page": timings(client, ["/"] * 20),
        "stream, 5th page": timings(client, [_fifth_page(client)] * 10),
        "search 'delegation'": timings(client, ["/api/v1/search?q=delegation"] * 20),
        "search 'Kim Jong Un' by date": timings(
            client, ["/api/v1/search?q=%22Kim+Jong+Un%22&sort=date"] * 20
        ),
        # A rarer word (1 article in 200): the date walk's worst case, where it sorts all matches instead.
        "search 'harvest' by date": timings(client, ["/api/v1/search?q=harvest"] * 20),
        # Relevance needs every match scored (bm25): it grows with the match count, by design.
        "search 'Kim Jong Un' by relevance": timings(
            client, ["/api/v1/search?q=%22Kim+Jong+Un%22&sort=relevance"] * 5
        ),
    }


def _rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    """A process's resident memory now (Linux /proc; RssAnon: its private part), in MB."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # a database server on another host
        return float("nan")
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fresh_postgres(url: str) -> None:
    """Drop and create the database ``url`` names (on its server's 'postgres' database), and point Django at it."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    params = dj_database_url.parse(url)
    server = {
        "host": params["HOST"],
        "port": params["PORT"],
        "user": params["USER"],
        "password": params["PASSWORD"],
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}
    ) as admin:
        name = sql.Identifier(params["NAME"])
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    os.environ["DATABASE_URL"] = url


def _postgres_report() -> str:
    """The PostgreSQL backend serving this process (its memory) and the database's size on disk."""
    from django.db import connection

    from wirewatch.search.postgres import TABLE

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid(), pg_database_size(current_database()), "
            + ", ".join(f"pg_total_relation_size('{t}')" for t in (*GROWN_TABLES, TABLE))
        )
        pid, database, *tables = cursor.fetchone()
    sizes = ", ".join(f"{t} {b / 2**20:.0f} MB" for t, b in zip((*GROWN_TABLES, TABLE), tables, strict=True))
    return (
        f"  PostgreSQL backend of this process (pid {pid}): RSS {_rss_mb(pid):.0f} MB "
        f"(private {_rss_mb(pid, 'RssAnon'):.0f} MB); database {database / 2**30:.2f} GB "
        f"(with indexes: {sizes})"
    )


def _forget_redis_keys(url: str, prefix: str) -> None:
    """Remove this run's keys (and only them: the Redis server is shared)."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def _fifth_page(client) -> str:
    """The stream after four pages: its cursor, found through the API's paging (same keyset)."""
    cursor = ""
    for _ in range(4):
        cursor = client.get("/api/v1/articles", params={"cursor": cursor} if cursor else {}).json()["next"]
    return f"/?cursor={cursor}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--search-max", type=int, default=100000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default=PG_URL, help="with --database postgres: dropped, created")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="with --database postgres")
    args = parser.parse_args()
    fresh_data_dir("scale")
    # The environment's servers are never used: the database measured is dropped first, and a replica or a
    # Redis of the environment would serve another database's rows (and SQLite's run would not be SQLite's).
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    redis_prefix = f"wirewatch-bench-scale-{os.getpid()}"
    if args.database == "postgres":
        fresh_postgres(args.database_url)
        if args.redis_url:
            os.environ.update(REDIS_URL=args.redis_url, WIREWATCH_REDIS_PREFIX=redis_prefix)
    try:
        run(args)
    finally:
        if args.database == "postgres" and args.redis_url:
            _forget_redis_keys(args.redis_url, redis_prefix)


def run(args: argparse.Namespace) -> None:
    setup_django(WIREWATCH_API_RATE_LIMIT="1000000000", WIREWATCH_MICROCACHE_SECONDS="0")
    import httpx

    from wirewatch.wsgi import application

    seed()
    baseline = None
    with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://127.0.0.1") as client:
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            grow(size, args.search_max)
            print(f"\n{size} articles (grown in {time.perf_counter() - started:.0f} s)", flush=True)
            results = measure(client, size, args.requests)
            baseline = baseline or results
            for label, result in results.items():
                ratio = result["p50"] / baseline[label]["p50"]
                print(
                    f"  {label:34} p50 {result['p50']:8.2f} ms  p99 {result['p99']:8.2f} ms  ratio {ratio:5.2f}",
                    flush=True,
                )
            _print_memory(args.database)


def _print_memory(database: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    which = "the only one: WSGI in process" if database == "sqlite" else "WSGI in process"
    print(f"  memory of this process ({which}): RSS {_rss_mb():.0f} MB, peak {peak:.0f} MB", flush=True)
    if database == "postgres":
        print(_postgres_report(), flush=True)


if __name__ == "__main__":
    main()
