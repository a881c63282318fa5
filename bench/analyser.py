"""The host's shared Korean analyser (`wirewatch analyser`) against kiwi loaded in each process.

1. Memory: `wirewatch serve --workers N` answers --searches Korean searches, once with each worker holding its
   own kiwi, once with the workers asking a shared analyser; the resident memory of each worker (and of the
   analyser) afterwards.
2. Cost: the time to analyse one Korean article (../shared/data/korean, cut into pieces of --chars characters,
   about a KCNA article's length) by this process's kiwi and by asking the analyser, in interleaved rounds; the
   ratio is the price of the socket and JSON.

    .venv/bin/python bench/analyser.py [--workers 2] [--searches 40] [--rounds 5] [--chars 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import SHARED, free_port, fresh_data_dir, setup_django  # noqa: E402
from pages import start_granian, wait_for  # noqa: E402
from poll import rss_mb  # noqa: E402

QUERIES = ("로동당", "조선로동당", "인민경제", "김정은동지", "강화하였다", "력사적인", "최고인민회의", "농업")


def children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def web_memory(args: argparse.Namespace, socket_path: str) -> list[float]:
    """Each granian worker's RSS (MB) after the Korean searches."""
    port = free_port()
    server = start_granian(port, args.workers, WIREWATCH_KOREAN_ANALYSER=socket_path)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        for n in range(args.searches):  # a new connection each: the workers share them out
            query = quote(f"{QUERIES[n % len(QUERIES)]} {n}")
            httpx.get(f"http://127.0.0.1:{port}/search?q={query}", timeout=30).raise_for_status()
        return [rss_mb(pid) for pid in children(server.pid)]
    finally:
        server.terminate()
        server.wait(timeout=30)


def korean_pieces(chars: int) -> list[str]:
    folder = SHARED / "data" / "korean"
    if not folder.is_dir():
        sys.exit(f"{folder} is missing: this benchmark reads the Korean texts in ../shared")
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]
    return [text[i : i + chars] for text in texts for i in range(0, len(text) - chars // 2, chars)]


def analysis_cost(args: argparse.Namespace, socket_path: str) -> dict[str, list[float]]:
    """Milliseconds per piece, per round, for each way, the two ways alternating round by round."""
    from wirewatch.search.analyser import SharedAnalyser
    from wirewatch.search.korean import local_tokenize

    pieces = korean_pieces(args.chars)
    shared = SharedAnalyser(socket_path)
    ways = {
        "own kiwi": lambda text: local_tokenize([text]),
        "shared analyser": lambda text: shared.tokenize([text]),
    }
    for analyse in ways.values():
        analyse(pieces[0])  # warm: kiwi's tables, the connection
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, analyse in ways.items():
            started = time.perf_counter()
            for piece in pieces:
                analyse(piece)
            times[name].append((time.perf_counter() - started) * 1000 / len(pieces))
    print(f"{len(pieces)} pieces of {args.chars} characters, {args.rounds} rounds")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--searches", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--chars", type=int, default=2000)
    args = parser.parse_args()
    data_dir = fresh_data_dir("analyser")
    setup_django()
    from wirewatch.search.analyser import spawn, wait_until_answering

    socket_path = str(data_dir / "kiwi.sock")
    analyser = spawn(socket_path)
    try:
        wait_until_answering(socket_path, analyser)
        own, asking = web_memory(args, ""), web_memory(args, socket_path)
        print(
            f"web workers after {args.searches} Korean searches, own kiwi: {', '.join(f'{m:.0f}' for m in own)} MB"
        )
        print(f"web workers asking the shared analyser: {', '.join(f'{m:.0f}' for m in asking)} MB")
        print(f"the shared analyser: {rss_mb(analyser.pid):.0f} MB, once per host")
        times = analysis_cost(args, socket_path)
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, median in medians.items():
            print(f"{name}: {median:.2f} ms a piece (rounds: {', '.join(f'{v:.2f}' for v in times[name])})")
        print(f"shared / own: {medians['shared analyser'] / medians['own kiwi']:.2f}")
    finally:
        analyser.terminate()
        analyser.wait(timeout=30)
        os.environ.pop("WIREWATCH_KOREAN_ANALYSER", None)


if __name__ == "__main__":
    main()
