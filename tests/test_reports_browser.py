"""The report page with its charts in real headless Chromium, against a real server process
filled with a month of simulated history and a simulated morning driven through the HTTP API."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

import pytest
import requests

from server import simulate
from server.config.loader import load_config
from server.core.storage import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def filled_server(live_server):
    """The live server with 30 days of history before today (written straight into its database)."""
    if requests.get(live_server.url + "/reports", timeout=10).status_code == 404:
        pytest.skip("the reports blueprint is not registered in the app yet")
    config = load_config(live_server.data / "loket.toml")
    yesterday = datetime.now(config.office.tz).date() - timedelta(days=1)
    store = Store(live_server.data / "loket.db")
    try:
        days = simulate.history_days(yesterday, 30, (0, 1, 2, 3, 4))
        assert simulate.write_history(store, config, days, seed=11, visitors=300) > 3000
    finally:
        store.close()
    live_server.month = yesterday.strftime("%Y-%m")
    return live_server


def test_live_simulation_drives_the_real_server(filled_server):
    parser = argparse.ArgumentParser()
    simulate.add_arguments(parser)
    args = parser.parse_args(
        [
            "--url",
            filled_server.url,
            "--speed",
            "0",
            "--visitors",
            "160",
            "--hours",
            "08:00-09:00",
            "--password",
            "rahasia-123",
            "--seed",
            "2",
        ]
    )
    assert simulate.run(args) == 0
    state = requests.get(filled_server.url + "/api/state", timeout=10).json()
    assert state["recent_calls"], "the simulated officers called visitors"


def test_report_page_with_charts(filled_server, page, artifacts):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{filled_server.url}/reports?view=month&month={filled_server.month}")
    page.fill("input[name=username]", "kepala")
    page.fill("input[name=password]", "rahasia-123")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-charts-ready=true]", timeout=15000)
    drawn = page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
        const chart = window.Chart.getChart(c);
        return [c.dataset.chart, chart ? chart.data.datasets.length : 0, c.width > 0 && c.height > 0];
    })""")
    assert [name for name, sets, sized in drawn if sets > 0 and sized] == [
        "histogram",
        "arrivals",
        "compliance",
    ]
    assert page.locator("text=Per layanan").count() >= 1
    assert page.locator("table.r-table").count() >= 4
    page.screenshot(path=str(artifacts / "reports.png"), full_page=False)
    page.screenshot(path=str(artifacts / "reports-full.png"), full_page=True)

    page.select_option("[data-histogram-service]", "B")
    page.wait_for_timeout(100)
    legend = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('[data-chart=histogram]'))"
        ".data.datasets.map(d => d.label)"
    )
    assert legend == ["Dalam standar", "Melebihi standar"]

    page.goto(f"{filled_server.url}/reports/print?month={filled_server.month}")
    assert page.locator("text=Kepala Kantor").count() == 1
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "reports-print.png"), full_page=True)
