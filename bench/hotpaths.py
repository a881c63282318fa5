"""CPU of the ingest's hot pure functions: this code against a baseline code, interleaved in one process.

    git archive <commit> src | tar -x -C /tmp/base
    .venv/bin/python bench/hotpaths.py --baseline-src /tmp/base/src [--articles 600] [--rounds 11] [--only NAME]

Why in one process: on these shared 2-vCPU machines the same code's wall-clock rate moved by 1.7x within minutes
(bench/ingest.py's "adapter rules alone", unchanged code, three runs in ten minutes), so two runs minutes apart
cannot show a 10% change. Here each round times the baseline's pass over the texts, then this code's, in CPU time,
and the median of the rounds' ratios is reported. The baseline package is a copy of ``--baseline-src``'s
``wirewatch`` renamed ``wirewatch_baseline`` (its absolute imports rewritten), so both load side by side; only
functions that need no Django are timed. Texts: the KCNA stories of ../shared, as pages in the KCNA layout.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import kcna_articles  # noqa: E402

BASELINE = "wirewatch_baseline"
_ABSOLUTE_IMPORT = re.compile(r"\b(from|import) wirewatch(?=[\s.])")


def load_baseline(src: Path) -> str:
    """Copy ``src``'s wirewatch package under BASELINE into a temporary folder on sys.path."""
    folder = Path(tempfile.mkdtemp(prefix="wirewatch-hotpaths-"))
    shutil.copytree(src / "wirewatch", folder / BASELINE)
    for path in (folder / BASELINE).rglob("*.py"):
        path.write_text(_ABSOLUTE_IMPORT.sub(rf"\1 {BASELINE}", path.read_text(encoding="utf-8")), "utf-8")
    sys.path.insert(0, str(folder))
    return BASELINE


class Inputs(NamedTuple):
    texts: list[tuple[str, str]]  # (headline, story)
    pages: list[str]  # in the KCNA layout
    bodies: list[str]  # what the KCNA rules select of each page
    rules: dict


def cases(package: str, inputs: Inputs) -> dict[str, Callable[[], object]]:
    """One pass of each hot function over the texts, with ``package``'s code."""
    textdates = importlib.import_module(f"{package}.extraction.textdates")
    analysis = importlib.import_module(f"{package}.search.analysis")
    minhash = importlib.import_module(f"{package}.dedupe.minhash")
    article = importlib.import_module(f"{package}.extraction.article")
    language = importlib.import_module(f"{package}.extraction.language")
    texts, pages, bodies, rules = inputs
    url = "http://www.kcna.kp/en/article/q/0.kcmsf"
    return {
        "text dates": lambda: [textdates.find_text_dates(f"{title}\n{text}") for title, text in texts],
        "search document": lambda: [analysis.index_document(title, text) for title, text in texts],
        "MinHash signature": lambda: [minhash.signature(text) for _, text in texts],
        "language check": lambda: [language.choose_language(text, "en") for _, text in texts],
        "finish_body": lambda: [article.finish_body(body, url) for body in bodies],
        "extract_article, adapter": lambda: [
            article.extract_article(page, url, language="en", timezone="Asia/Pyongyang", rules=rules)
            for page in pages
        ],
        "extract_article, generic": lambda: [
            article.extract_article(page, url, language="en", timezone="Asia/Pyongyang") for page in pages
        ],
    }


def read_inputs(articles: int) -> Inputs:
    from selectolax.lexbor import LexborHTMLParser

    from tests.sites.dprk_layouts import kcna_article_page
    from wirewatch.extraction.rules import apply_rules
    from wirewatch.sources.packs import pack_layouts

    texts = [(row["headline"], row["story_text"]) for row in kcna_articles(articles)]
    rules = pack_layouts("dprk")["kcna-2021"]["article"]
    pages = [kcna_article_page(title, text) for title, text in texts]
    bodies = [apply_rules(LexborHTMLParser(page), rules).body_html for page in pages]
    return Inputs(texts, pages, bodies, rules)


def cpu(work: Callable[[], object]) -> float:
    started = time.process_time()
    work()
    return time.process_time() - started


def compare(baseline: Callable[[], object], current: Callable[[], object], rounds: int, count: int) -> dict:
    baseline(), current()  # first use loads what each loads once (models, locale data)
    pairs = [(cpu(baseline), cpu(current)) for _ in range(rounds)]
    ratios = [old / new for old, new in pairs]
    return {
        "baseline_ms": round(statistics.median(old for old, _ in pairs) / count * 1e3, 4),
        "current_ms": round(statistics.median(new for _, new in pairs) / count * 1e3, 4),
        "ratio": round(statistics.median(ratios), 2),
        "ratio_range": f"{min(ratios):.2f}-{max(ratios):.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--baseline-src", type=Path, required=True, help="a src folder of the code to compare"
    )
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--only", default="", help="time only the functions whose name contains this")
    args = parser.parse_args()
    inputs = read_inputs(args.articles)
    old, new = cases(load_baseline(args.baseline_src), inputs), cases("wirewatch", inputs)
    count = len(inputs.texts)
    print(
        f"CPU ms per KCNA article, median of {args.rounds} interleaved rounds; ratio = baseline / this code"
    )
    for name in (name for name in new if args.only in name):
        result = compare(old[name], new[name], args.rounds, count)
        print(f"  {name:26s} {result['baseline_ms']:8.4f} -> {result['current_ms']:8.4f} ms  "
              f"{result['ratio']:.2f}x ({result['ratio_range']})")  # fmt: skip


if __name__ == "__main__":
    main()
