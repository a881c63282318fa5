"""The entity page's timeline chart, as a browser draws it, on a known data set: one bar per month from the first
mention to the last, the labelled totals equal to the data, segment heights proportional, colours from CSS."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.entities.helpers import store
from tests.factories import make_source
from wirewatch.entities.gazetteer import load_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/wirewatch-entity.png"
# month -> (KCNA articles, Rodong Sinmun articles) mentioning Kim Jong Un; May has none.
DATA = {1: (2, 1), 2: (0, 3), 3: (4, 0), 4: (1, 1), 5: (0, 0), 6: (5, 2)}
TEXTS = ["Kim Jong Un inspected a farm.", "김정은동지께서 공장을 현지지도하시였다.", "金正恩视察了工厂。"]


def populate() -> None:
    load_seed()  # transactional tests start from an empty database
    sources = make_source("kcna-en", "KCNA"), make_source("rodong-en", "Rodong Sinmun")
    n = 0
    for month, counts in DATA.items():
        for source, count in zip(sources, counts, strict=True):
            for day in range(1, count + 1):
                n += 1
                store(source, f"Item {n}", TEXTS[n % 3], datetime(2024, month, day * 3, tzinfo=UTC))
    store(sources[0], "Unrelated", "The weather was fine.", datetime(2024, 8, 1, tzinfo=UTC))


def test_timeline_chart_shows_one_bar_per_month_with_the_right_totals(live_server, page):
    populate()
    page.goto(f"{live_server.url}/entities/kim-jong-un/")
    chart = page.locator("svg.timeline-chart")
    expect(chart).to_be_visible()
    periods = page.locator("svg.timeline-chart g.period")
    expect(periods).to_have_count(6)
    labels = periods.evaluate_all("gs => gs.map(g => g.dataset.period)")
    assert labels == [f"2024-{m:02d}" for m in DATA]
    shown = page.locator("svg.timeline-chart text.total").all_text_contents()
    assert shown == [str(sum(c)) for c in DATA.values() if sum(c)]
    # Each total is written just above its own bar, inside the drawing.
    placed = periods.evaluate_all(
        """gs => gs.filter(g => g.querySelector('text.total')).map(g => {
             const t = g.querySelector('text.total').getBBox();
             const top = Math.min(...[...g.querySelectorAll('rect.bar')].map(r => r.getBBox().y));
             return [t.y + t.height <= top + 1, t.y >= 0];
           })"""
    )
    assert placed == [[True, True]] * 5
    assert chart.get_attribute("data-total") == str(sum(map(sum, DATA.values())))

    heights = page.locator("svg.timeline-chart g.period").evaluate_all(
        "gs => gs.map(g => [...g.querySelectorAll('rect.bar')].reduce((h, r) => h + r.getBBox().height, 0))"
    )
    tallest = max(heights)
    for height, counts in zip(heights, DATA.values(), strict=True):
        assert height == pytest.approx(tallest * sum(counts) / 7, abs=0.5)

    fills = page.locator("svg.timeline-chart rect.bar").evaluate_all(
        "rs => [...new Set(rs.map(r => r.dataset.source + '=' + getComputedStyle(r).fill))]"
    )
    assert len(fills) == 2  # one colour per source, from the stylesheet (no inline style)
    assert all(not f.endswith("=rgb(0, 0, 0)") for f in fills)
    expect(page.locator(".legend li")).to_have_count(2)
    expect(page.locator(".legend")).to_contain_text("KCNA (En)")
    page.screenshot(path=SCREENSHOT, full_page=True)
