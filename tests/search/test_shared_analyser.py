"""The shared Korean analyser (`wirewatch analyser`): a real analyser process on a real Unix socket. Its
tokens index articles exactly as this process's own kiwi does; clients survive its restart, fall back to their
own kiwi when it is gone, and hostile requests get an error without ending it."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from wirewatch.search import analyser, korean
from wirewatch.search.analysis import index_document, index_documents

TEXTS = [
    ("조선로동당 중앙위원회 전원회의", "조선로동당과 조선민주주의인민공화국 정부는 인민경제를 강화하였다."),
    ("김정은동지께서 공장을 현지지도하시였다", "경애하는 김정은동지께서는 로동자들의 생활을 돌보아주시였다."),
    (
        "Pyongyang 평양, 2026년 2월 25일",
        "최고인민회의 상임위원회는 主体107(2018)년 법령을 채택하였다. KCNA 보도.",
    ),
    ("", "녀성들과 청년들이 력사적인 대회에 참가하였다. 례절과 리념을 강조하였다."),
]


def start(path: str) -> subprocess.Popen:
    return analyser.spawn(path, capture=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def asked_here() -> int:
    """How often this process's own kiwi was asked for (it is cached: every call counts)."""
    info = korean.local_kiwi.cache_info()
    return info.hits + info.misses


@pytest.fixture
def socket_dir() -> Iterator[str]:
    # Not tmp_path: a Unix socket's path must fit in 107 bytes (unix(7)), and pytest's can be longer.
    with tempfile.TemporaryDirectory(prefix="ww-", dir="/tmp") as folder:
        yield folder


@pytest.fixture
def running(socket_dir: str) -> Iterator[tuple[str, subprocess.Popen]]:
    path = os.path.join(socket_dir, "kiwi.sock")
    process = start(path)
    analyser.wait_until_answering(path, process)
    yield path, process
    stop(process)


@pytest.fixture(autouse=True)
def fresh_clients() -> Iterator[None]:
    yield
    korean._unreachable.clear()
    analyser.shared_analyser.cache_clear()


def test_shared_analyser_indexes_korean_exactly_as_this_process_does(running, settings):
    settings.WIREWATCH_KOREAN_ANALYSER = ""
    own = [index_document(title, body) for title, body in TEXTS], index_documents(TEXTS)
    settings.WIREWATCH_KOREAN_ANALYSER = running[0]
    calls = asked_here()
    shared = [index_document(title, body) for title, body in TEXTS], index_documents(TEXTS)
    assert asked_here() == calls  # the analyser answered, not this process's kiwi
    assert shared == own
    assert "조선로동당" in own[0][0].title.split()
    assert not korean._unreachable  # the shared analyser answered: no fallback hid a difference


def test_a_big_batch_goes_in_several_requests_with_the_same_tokens(running, monkeypatch):
    texts = [body for _, body in TEXTS] * 5
    expected = [[(t.form, t.tag, t.start) for t in tokens] for tokens in korean.local_tokenize(texts)]
    monkeypatch.setattr(
        analyser, "MAX_REQUEST_CHARS", 150
    )  # the client splits; the analyser's limit is its own
    found = analyser.SharedAnalyser(running[0]).tokenize(texts)
    assert [[tuple(t) for t in tokens] for tokens in found] == expected


def test_the_socket_is_open_to_the_deployments_user_only(running):
    mode = os.stat(running[0]).st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600


def test_hostile_requests_are_refused_and_the_analyser_keeps_answering(running):
    path = running[0]
    with Client(path, family="AF_UNIX") as connection:
        for request in (b"\xff not json", b'{"texts": 1}', b"[1, 2]", b'["a", null]'):
            connection.send_bytes(request)
            assert "error" in json.loads(connection.recv_bytes())
        for too_many in (["가" * 1000] * (analyser.MAX_REQUEST_CHARS // 1000 + 1), [""] * 10_001):
            connection.send_bytes(json.dumps(too_many).encode())
            assert "more than" in json.loads(connection.recv_bytes())["error"]
    # Over the frame limit: that connection is closed, unread.
    with Client(path, family="AF_UNIX") as connection, pytest.raises((EOFError, OSError)):
        connection.send_bytes(b"[" + b" " * analyser.MAX_REQUEST_BYTES + b"]")
        connection.recv_bytes()
    assert analyser.SharedAnalyser(path).tokenize(["로동당"])[0][0].form == "로동당"


def test_a_lone_surrogate_is_indexed_alike_and_never_breaks_the_analyser(running, settings):
    hostile = "조선\ud800로동당"  # kiwi reads it but cannot give the token back
    settings.WIREWATCH_KOREAN_ANALYSER = ""
    own = index_document("", hostile)
    settings.WIREWATCH_KOREAN_ANALYSER = running[0]
    assert index_document("", hostile) == own
    assert "로동당" in own.body.split()
    with Client(running[0], family="AF_UNIX") as connection:  # a client that does not replace it first
        connection.send_bytes(json.dumps([hostile]).encode())
        assert "kiwi failed" in json.loads(connection.recv_bytes())["error"]
    assert analyser.SharedAnalyser(running[0]).tokenize(["로동당"])[0][0].form == "로동당"


def test_a_client_reconnects_after_the_analyser_restarts(running, settings, monkeypatch):
    path, process = running
    monkeypatch.setattr(
        analyser, "RETRY_SECONDS", 120.0
    )  # a loaded machine may take longer than 10 s to restart
    settings.WIREWATCH_KOREAN_ANALYSER = path
    before = index_document(*TEXTS[0])
    stop(process)
    assert not os.path.exists(path)  # it removed its socket on SIGTERM
    again = start(path)
    try:
        calls = asked_here()
        after = index_document(*TEXTS[0])  # waits for the new analyser instead of giving up
        assert asked_here() == calls
        assert after == before
        assert not korean._unreachable
    finally:
        stop(again)


def test_without_an_analyser_a_process_analyses_itself_until_it_answers_again(
    socket_dir, settings, caplog, monkeypatch
):
    settings.WIREWATCH_KOREAN_ANALYSER = ""
    own = index_document(*TEXTS[1])
    path = os.path.join(socket_dir, "kiwi.sock")
    settings.WIREWATCH_KOREAN_ANALYSER = path
    monkeypatch.setattr(analyser, "RETRY_SECONDS", 0.3)
    caplog.set_level(logging.WARNING, logger="wirewatch.search.korean")
    assert index_document(*TEXTS[1]) == own  # nobody answers: analysed here, and said so
    assert "analysing Korean in this process" in caplog.text
    process = start(path)
    try:
        analyser.wait_until_answering(path, process)
        calls = asked_here()
        assert index_document(*TEXTS[1]) == own
        assert asked_here() > calls  # not asked again so soon (ASK_AGAIN_SECONDS)
        monkeypatch.setattr(korean, "ASK_AGAIN_SECONDS", 0.0)
        assert index_document(*TEXTS[1]) == own
        assert "answers again" in caplog.text
        # This process's own kiwi is dropped, and was not loaded again: the analyser answered.
        assert korean.local_kiwi.cache_info().currsize == 0
    finally:
        stop(process)


def test_a_second_analyser_on_the_same_socket_refuses_to_start(running):
    second = start(running[0])
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2
    assert "already answering" in err
    assert os.path.exists(running[0])  # the first keeps its socket


def test_a_stale_socket_file_is_replaced(socket_dir):
    path = os.path.join(socket_dir, "kiwi.sock")
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(path)
    dead.close()  # a crashed analyser leaves its socket file behind
    process = start(path)
    try:
        analyser.wait_until_answering(path, process)
    finally:
        stop(process)


def test_a_path_that_is_not_a_socket_is_never_deleted(socket_dir):
    path = Path(socket_dir, "notes.txt")
    path.write_text("mine")
    process = start(str(path))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "not a socket" in err
    assert path.read_text() == "mine"


def test_a_socket_path_too_long_is_a_clear_error():
    process = start("/tmp/" + "x" * 120 + "/kiwi.sock")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "longer than 107 bytes" in err and "Traceback" not in err


def test_sigint_stops_the_analyser_too(running):
    path, process = running
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert not os.path.exists(path)


def test_doctor_says_whether_this_hosts_analyser_answers(running, settings):
    from wirewatch.serving.doctor import check_korean_analyser

    settings.WIREWATCH_KOREAN_ANALYSER = ""
    assert check_korean_analyser().status == "INFO"
    settings.WIREWATCH_KOREAN_ANALYSER = running[0]
    assert check_korean_analyser().status == "OK"
    stop(running[1])
    failed = check_korean_analyser()
    assert failed.status == "FAIL" and "wirewatch analyser" in failed.detail
