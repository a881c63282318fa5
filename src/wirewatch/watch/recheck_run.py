"""``wirewatch recheck``: re-check articles now, one thread per host (as the watcher polls), then exit."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection

from wirewatch.fetching.client import PoliteClient
from wirewatch.sources.models import Source
from wirewatch.watch.loop import MAX_THREADS, _by_host, make_client
from wirewatch.watch.recheck import RecheckReport, recheck_source


def _recheck_group(client: PoliteClient, sources: list[Source], everything: bool) -> list[RecheckReport]:
    try:
        return [recheck_source(client, source, everything=everything) for source in sources]
    finally:
        connection.close()


def recheck_now(slugs: Iterable[str] = (), *, everything: bool = True) -> list[RecheckReport]:
    """Re-check the articles of the enabled sources named (all when none): every one of them with
    ``everything``, else those due. Hosts in parallel, one request at a time per host."""
    sources = Source.objects.filter(enabled=True)
    if slugs := list(slugs):
        sources = sources.filter(slug__in=slugs)
    client = make_client()
    try:
        groups = _by_host(sources)
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(groups)))) as pool:
            futures = [pool.submit(_recheck_group, client, group, everything) for group in groups.values()]
            return [report for future in futures for report in future.result()]
    finally:
        client.close()
        if client.warc is not None:
            client.warc.close()  # a finished run leaves a closed, final-named WARC file


def report_line(report: RecheckReport) -> str:
    line = (
        f"{report.source}: {report.checked} checked, {report.edited} edited, {report.unchanged} unchanged, "
        f"{report.replaced} URL reused, {report.evidence} failing, {report.removed} removed, "
        f"{report.restored} restored"
    )
    if report.retry:
        line += f", {len(report.retry)} to retry — e.g. {report.retry[0]}"
    return line
