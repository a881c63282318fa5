"""A source that publishes (and edits) continuously: a LocalSite whose feed grows while the watcher runs.

``served`` is the ground truth a fault test compares the database with: every article URL the site ever put
in its feed. The feed lists every article (newest first), so a watcher that was down for a while still finds
all of them when it comes back.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from tests.sites.news import Story, rss
from tests.sites.server import LocalSite, Page

WORDS = [
    "delegation",
    "visited",
    "factory",
    "harvest",
    "congress",
    "meeting",
    "railway",
    "school",
    "hospital",
    "orchestra",
]


def story(number: int, edit: int = 0) -> Story:
    words = [WORDS[(number * 7 + i) % len(WORDS)] for i in range(60)]
    paragraphs = [
        f"Article {number} report {edit}: " + " ".join(words[i : i + 20]) + "." for i in (0, 20, 40)
    ]
    return Story(f"/news/{number}.html", f"Article number {number} edition {edit}", paragraphs)


class Publisher:
    """Publish one article every ``every`` seconds on ``site``; every ``edit_every``-th tick edit an old one."""

    def __init__(self, site: LocalSite, every: float = 0.05, edit_every: int = 0) -> None:
        self.site, self.every, self.edit_every = site, every, edit_every
        self.stories: list[tuple[Story, datetime]] = []
        self.edits: dict[int, int] = {}
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        site.routes["/feed.xml"] = lambda hit: self._feed()

    @property
    def feed_url(self) -> str:
        return self.site.url("/feed.xml")

    @property
    def served(self) -> set[str]:
        with self.lock:
            return {self.site.url(s.path) for s, _ in self.stories}

    def publish(self) -> None:
        with self.lock:
            number = len(self.stories) + 1
            self.stories.insert(0, (story(number), datetime.now(UTC)))
            self.site.routes[f"/news/{number}.html"] = lambda hit, n=number: self._article(n)
            if self.edit_every and number % self.edit_every == 0:
                old = max(1, number // 2)
                self.edits[old] = self.edits.get(old, 0) + 1

    def start(self) -> Publisher:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join()

    def _run(self) -> None:
        while not self.stop_event.wait(self.every):
            self.publish()

    def _feed(self) -> Page:
        with self.lock:
            body = rss(self.site, list(self.stories))
        return Page(body, headers={"Content-Type": "application/rss+xml; charset=utf-8"})

    def _article(self, number: int) -> Page:
        with self.lock:
            edit = self.edits.get(number, 0)
        return Page(story(number, edit).html())
