"""One event the dispatcher thread waits on, so stored articles are matched within a tick, not a poll later."""

import threading

work_waiting = threading.Event()


def wake() -> None:
    work_waiting.set()
