"""Korean morphological analysis (kiwipiepy), in this process or by the host's shared analyser.

kiwi holds about 300 MB once loaded, whatever the text: its CoNg model (197 MB, the only model kiwipiepy_model
ships) and the tables it builds at its first analysis. Every process that analyses Korean (the watcher, each web
worker that answers a Korean query, each import worker) would hold a copy. With WIREWATCH_KOREAN_ANALYSER set to
the socket of a ``wirewatch analyser`` process (analyser.py) they all ask that one copy instead; the tokens are
the same, since both sides build kiwi here.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import logging
import re
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

# Proper nouns of the sources that kiwi's (southern) dictionary lacks: without them it reads 조선로동당과 as one
# unknown noun and the particle stays glued on. Northern spellings; the southern ones are in its dictionary.
USER_NOUNS = (
    "조선로동당",
    "로동당",
    "로동신문",
    "로동자",
    "로동계급",
    "조선민주주의인민공화국",
    "공화국",
    "김일성",
    "김정일",
    "김정은",
    "김일성동지",
    "김정일동지",
    "조선인민군",
    "최고인민회의",
    "조선중앙통신",
    "조선소년단",
    "사로청",
    "령도",
    "령도자",
    "력사",
    "녀성",
    "리념",
    "례절",
)


@functools.cache
def local_kiwi() -> Any:
    from kiwipiepy import Kiwi  # heavy (model load ~1-2 s): only when Korean text is first seen

    # No typo dictionary: it would "correct" northern spellings (되였다) towards southern ones; no multi-word
    # dictionary: we index words, not idioms. Both also halve the load time.
    kiwi = Kiwi(load_typo_dict=False, load_multi_dict=False)
    for noun in USER_NOUNS:
        kiwi.add_user_word(noun, "NNP")
    kiwi.tokenize("조선로동당")  # kiwi builds its tables on first use: pay that here, once, not mid-request
    return kiwi


def local_tokenize(texts: Sequence[str]) -> list[Sequence[Any]]:
    """kiwi's tokens of each text, analysed in this process. One text alone is not sent through kiwi's batch
    (thread pool) entry point: for one text that is only overhead."""
    kiwi = local_kiwi()
    if len(texts) == 1:
        return [kiwi.tokenize(texts[0])]
    return list(kiwi.tokenize(iter(texts)))


# kiwi takes a lone surrogate in but cannot give its token back (it fails decoding its own UTF-16): hostile text
# must not fail indexing, so it becomes U+FFFD first, which keeps every offset.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A shared analyser that stayed unreachable is asked again, without waiting, this long after (socket -> when).
ASK_AGAIN_SECONDS = 60.0
_unreachable: dict[str, float] = {}


def tokenize(texts: Sequence[str]) -> list[Sequence[Any]]:
    """kiwi's tokens (each with .form, .tag and .start, its offset in the text) of each text, in order: from the
    shared analyser when one is configured, else from this process's kiwi.

    When the shared analyser does not answer within its client's retry time (a restart takes about 2 s), this
    process analyses with its own kiwi, so that no article is left unindexed, and logs an error: that costs the
    memory the analyser was there to save. It asks the analyser again each ASK_AGAIN_SECONDS, without waiting, and
    once it answers drops its own kiwi again.
    """
    texts = [_SURROGATE.sub("\ufffd", text) for text in texts]
    path = _shared_socket()
    found = _ask_shared(path, texts) if path else None
    return found if found is not None else local_tokenize(texts)


def _ask_shared(path: str, texts: list[str]) -> list[Sequence[Any]] | None:
    from wirewatch.search.analyser import AnalyserUnavailable, shared_analyser

    failed_at = _unreachable.get(path)
    if failed_at is not None and time.monotonic() - failed_at < ASK_AGAIN_SECONDS:
        return None
    try:
        found = shared_analyser(path).tokenize(texts, wait=failed_at is None)
    except AnalyserUnavailable as exc:
        if failed_at is None:
            log.error("%s: analysing Korean in this process until it answers (~300 MB more)", exc)
        _unreachable[path] = time.monotonic()
        return None
    if failed_at is not None:
        del _unreachable[path]
        log.warning("the Korean analyser at %s answers again: this process drops its own kiwi", path)
        _drop_local_kiwi()
    return found


def _drop_local_kiwi() -> None:
    """Give kiwi's memory back: freed, and returned to the system by glibc's malloc_trim where there is a glibc
    (measured by hand: a bare Python process holding kiwi went from 322 to 126 MB)."""
    local_kiwi.cache_clear()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _shared_socket() -> str:
    """The configured analyser's socket. WARC import workers run without Django (archive/extractpool.py) and so
    keep their own kiwi: an import is a batch job, and two workers analysing at once go twice as fast as two
    taking turns at one analyser."""
    from django.conf import settings

    return getattr(settings, "WIREWATCH_KOREAN_ANALYSER", "") if settings.configured else ""
